#!/bin/sh
# Build a minimal Debian root filesystem tarball for the base image.
#
#   mkrootfs.sh OUT.tar SUITE MIRROR SOURCES_FILE [INCLUDE_PACKAGES]
#
# OUT.tar          tarball to write (numeric owners, xattrs kept)
# SUITE            Debian suite, e.g. bookworm
# MIRROR           Debian archive URI to bootstrap from (read from the
#                  machine's apt sources by scripts/images.ts, never hard-coded)
# SOURCES_FILE     deb822 file installed as /etc/apt/sources.list.d/debian.sources
#                  inside the image (so images built FROM it can apt-get install)
# INCLUDE_PACKAGES comma-separated extra packages (default: ca-certificates)
#
# Must run as root (debootstrap chroots). Called by scripts/images.ts.
set -eu

out=$1
suite=$2
mirror=$3
sources=$4
include=${5:-ca-certificates}

if [ "$(id -u)" != 0 ]; then
	echo "mkrootfs.sh: must run as root (debootstrap needs chroot)" >&2
	exit 1
fi

work=$(mktemp -d "${out}.work.XXXXXX")
cleanup() {
	# never follow anything out of the chroot: unmount first, then delete
	for m in proc sys dev/pts dev; do
		if mountpoint -q "$work/rootfs/$m" 2>/dev/null; then umount -l "$work/rootfs/$m" || true; fi
	done
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT INT TERM

rootfs="$work/rootfs"
echo "debootstrap --variant=minbase $suite (include: $include)"
debootstrap --variant=minbase --components=main --include="$include" \
	"$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
	tail -n 40 "$work/debootstrap.log" >&2
	echo "mkrootfs.sh: debootstrap failed (full log above was $work/debootstrap.log)" >&2
	exit 1
}

# --- container-friendly configuration (same ideas as Docker's official debian images)

# apt sources: copied from the build machine's Debian entries
rm -f "$rootfs/etc/apt/sources.list"
install -m 0644 "$sources" "$rootfs/etc/apt/sources.list.d/debian.sources"

# no daemons may start while packages are installed during image builds
cat >"$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# invoke-rc.d: services are never started inside image builds
exit 101
EOF
chmod 0755 "$rootfs/usr/sbin/policy-rc.d"

cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-minimal" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
EOF

# keep licences, drop manuals, docs and translations (also for later installs)
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-minimal" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
find "$rootfs/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete 2>/dev/null || true
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$rootfs/usr/share/man/"* "$rootfs/usr/share/info/"* "$rootfs/usr/share/lintian" "$rootfs/usr/share/linda"
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true

# caches, logs and host-specific files
rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"*.bin \
	"$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/cache/debconf/"*-old \
	"$rootfs/var/lib/dpkg/"*-old "$rootfs/var/cache/ldconfig/aux-cache"
find "$rootfs/var/log" -type f -delete
rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname" "$rootfs/etc/hosts"
: >"$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"

tar --numeric-owner --xattrs --xattrs-include='*' --sort=name -C "$rootfs" -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "rootfs: $(du -sh "$rootfs" | cut -f1) -> $out"
