# shellcheck shell=sh
# file_env VAR [DEFAULT]: VAR may instead be given as a path in VAR_FILE, so
# secrets can come from mounted files (Docker/Terraform secrets) rather than
# the environment. Exports VAR, unsets VAR_FILE.
#
# Sourced (not executed) by the shell scripts of the Debian images
# (backup, postgres, cache), which each copy it to
# /usr/local/lib/portable-backend/file-env.sh. The sourcing script defines
# `die MESSAGE`, so an error carries that script's own log prefix.
file_env() {
	_var=$1
	_def=${2-}
	eval "_val=\${$_var-}"
	eval "_fval=\${${_var}_FILE-}"
	if [ -n "$_val" ] && [ -n "$_fval" ]; then
		die "both $_var and ${_var}_FILE are set (they are exclusive)"
	fi
	if [ -n "$_fval" ]; then
		[ -r "$_fval" ] || die "${_var}_FILE=$_fval is not readable"
		_val=$(cat "$_fval")
	elif [ -z "$_val" ]; then
		_val=$_def
	fi
	export "$_var=$_val"
	unset "${_var}_FILE" _var _def _val _fval
}
