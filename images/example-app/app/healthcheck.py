"""Container health probe without curl: `python3 -m app.healthcheck` exits 0 only when /healthz answers 200."""
import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    # the web command listens on 8000 unless it was changed together with PORT
    url = f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return 0 if r.status == 200 else 1
    except (urllib.error.URLError, OSError) as e:  # HTTPError (503) is a URLError
        print(f"healthcheck: {url}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
