"""Legacy Word (.doc) and WPS (.wps) files, converted to .docx by LibreOffice.

``soffice --headless --convert-to docx`` runs in a temporary directory when LibreOffice
is installed (found on PATH with :func:`shutil.which`); the result is read by
:mod:`kg.readers.docx`, keeping the original file's path, hash and media type.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kg.errors import InputError
from kg.readers.base import SourceText
from kg.readers.docx import read_docx

TIMEOUT = 120  # seconds for one conversion


def read_legacy(path: Path, shown: str, sha256: str, media_type: str) -> SourceText:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise InputError(shown, "legacy Word file: install LibreOffice (soffice) to read .doc/.wps")
    with tempfile.TemporaryDirectory(prefix="kg-soffice-") as tmp:
        source = Path(tmp) / ("input" + path.suffix.lower())
        shutil.copyfile(path, source)  # a plain name: soffice trips on some paths
        command = [
            soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to", "docx", "--outdir", tmp, str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(shown, f"LibreOffice did not convert the file within {TIMEOUT} s") from None
        except OSError as exc:
            raise InputError(shown, f"cannot run LibreOffice: {exc.strerror or exc}") from None
        converted = Path(tmp) / "input.docx"
        if not converted.is_file() or not converted.stat().st_size:
            raise InputError(shown, "LibreOffice could not convert the file (damaged or not a Word/WPS document)")
        data = converted.read_bytes()
    return read_docx(data, shown, sha256, media_type)
