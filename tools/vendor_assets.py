"""Fetch the front-end libraries kg serve's pages use, at their pinned versions, into kg/web/static/vendor/.

    python tools/vendor_assets.py           re-fetch with npm and rewrite the vendored files and VERSIONS
    python tools/vendor_assets.py --check   exit 1 when a vendored file differs from VERSIONS' sha256

The files are committed, so neither kg nor its tests download anything; this script is only
run by hand to change a version (edit PINNED, run it, commit the result). It needs npm and
the npm registry. Why these libraries: docs/web.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "kg" / "web" / "static" / "vendor"

# name, version, licence, {file in the npm package: name under vendor/}
PINNED = [
    ("echarts", "6.1.0", "Apache-2.0", {
        "dist/echarts.common.min.js": "echarts.common.min.js",
        "LICENSE": "echarts.LICENSE",
        "NOTICE": "echarts.NOTICE",
        "licenses/LICENSE-d3": "echarts.LICENSE-d3",
    }),
    ("@zazuko/yasgui", "4.6.2", "MIT", {
        "build/yasgui.min.js": "yasgui.min.js",
        "build/yasgui.min.css": "yasgui.min.css",
    }),
]

# The npm package of @zazuko/yasgui carries no licence file; this is the LICENSE of its
# repository (github.com/rdfjs/Yasgui), word for word.
YASGUI_LICENSE = """\
The MIT License (MIT)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "license", "license.md", "license.txt", "LICENSE-MIT")


def npm(*args: str, cwd: Path) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def unpack(name: str, version: str, work: Path) -> Path:
    """``npm pack NAME@VERSION`` unpacked: the package's directory."""
    tarball = npm("pack", "--silent", f"{name}@{version}", cwd=work).strip().splitlines()[-1]
    where = work / tarball.removesuffix(".tgz")
    with tarfile.open(work / tarball) as archive:
        archive.extractall(where, filter="data")
    return where / "package"


def third_party(name: str, version: str, work: Path) -> str:
    """The licences of what the yasgui bundle has inside: its dependency tree as npm installs it
    today (the bundle was built from the same ranges; a patch release may differ in version only)."""
    where = work / "tree"
    where.mkdir()
    npm("install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", str(where), f"{name}@{version}", cwd=where)
    parts = [f"Third-party software bundled in {name} {version} (yasgui.min.js, yasgui.min.css), with its licences.\n"]
    for manifest in sorted((where / "node_modules").rglob("package.json")):
        package = manifest.parent
        if package.parent.name not in ("node_modules",) and not package.parent.name.startswith("@"):
            continue  # a package.json deeper inside a package (its build folders), not a package
        info = json.loads(manifest.read_text(encoding="utf-8"))
        if "name" not in info or info["name"].startswith("@zazuko/"):
            continue
        texts = [(package / n).read_text(encoding="utf-8", errors="replace") for n in LICENCE_NAMES if (package / n).is_file()]
        licence = info.get("license") or info.get("licenses") or "see text"
        parts.append(f"\n{'=' * 72}\n{info['name']} {info.get('version', '')}: {licence}\n{'=' * 72}\n" + (texts[0] if texts else "(no licence file in the package)\n"))
    return "".join(parts)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions_text() -> str:
    lines = ["# name version licence sha256 file (written by tools/vendor_assets.py)"]
    for name, version, licence, files in PINNED:
        extra = ["yasgui.LICENSE", "yasgui.THIRD-PARTY-NOTICES"] if name == "@zazuko/yasgui" else []
        for target in [*files.values(), *extra]:
            lines.append(f"{name} {version} {licence} {sha256(VENDOR / target)} {target}")
    return "\n".join(lines) + "\n"


def check() -> int:
    recorded = (VENDOR / "VERSIONS").read_text(encoding="utf-8")
    if recorded != versions_text():
        print(f"{VENDOR / 'VERSIONS'}: the vendored files differ from their recorded sha256 (re-run tools/vendor_assets.py)")
        return 1
    return 0


def main() -> int:
    if "--check" in sys.argv[1:]:
        return check()
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-vendor-") as tmp:
        work = Path(tmp)
        for name, version, _licence, files in PINNED:
            package = unpack(name, version, work)
            for source, target in files.items():
                shutil.copyfile(package / source, VENDOR / target)
            if name == "@zazuko/yasgui":
                (VENDOR / "yasgui.LICENSE").write_text(YASGUI_LICENSE, encoding="utf-8")
                (VENDOR / "yasgui.THIRD-PARTY-NOTICES").write_text(third_party(name, version, work), encoding="utf-8")
    (VENDOR / "VERSIONS").write_text(versions_text(), encoding="utf-8")
    print((VENDOR / "VERSIONS").read_text(encoding="utf-8"), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
