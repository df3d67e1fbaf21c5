"""Office files: Word (.docx) and Excel (.xlsx) downloads, text that is safe in them whatever is stored,
and a look inside an uploaded .xlsx before anything parses it.

Writers (see docs/api.md "Files and exports"):
- xml_text(): XML 1.0 cannot hold C0 control characters (other than tab, LF, CR), lone surrogates,
  U+FFFE or U+FFFF; openpyxl and python-docx raise on them, which made one stored address break an
  export for everyone. Each such character becomes U+FFFD (the replacement character): visible, so
  nobody mistakes the text for the original, and no two words silently run together.
- text_cell()/safe_row(): every string goes into a workbook as a string cell (type "s"), so stored
  text such as `=HYPERLINK(...)` is never a live formula (CSV/formula injection). Forcing the type
  instead of prefixing a quote keeps the value unchanged, so an export imports back as it was.

Reader: xlsx_inspect() reads only the zip's central directory and each sheet's declared dimension,
so a zip bomb is refused before openpyxl inflates a byte of it.
"""

import re
import zipfile
import zlib
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import column_index_from_string

from .errors import DomainError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REPLACEMENT = "\ufffd"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    # RFC 6266 / 5987: a UTF-8 file name, so 调解协议书.docx arrives with its Chinese name.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def docx_response(name: str, content: bytes) -> HttpResponse:
    """A Word download with a UTF-8 file name."""
    return _download(content, DOCX, name)


def xlsx_response(name: str, content: bytes) -> HttpResponse:
    """An Excel download with a UTF-8 file name."""
    return _download(content, XLSX, name)


# ---------------------------------------------------------------- writing


def xml_text(value) -> str:
    """`value` as text an Office file can hold: each XML-illegal character becomes U+FFFD."""
    text = "" if value is None else str(value)
    return _XML_ILLEGAL.sub(REPLACEMENT, text)


def text_cell(ws, value):
    """A cell for `ws` (write-only or not): strings cleaned and always of string type, never a formula;
    numbers, dates and None as they are. Add it with ws.append([...]) or set its style first."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=xml_text(value))
        cell.data_type = "s"  # openpyxl would make "=…" a formula
        return cell
    return WriteOnlyCell(ws, value=value)


def safe_row(ws, values) -> list:
    """A row of text_cell()s, for ws.append(): the only way our writers put user text in a sheet."""
    return [value if _is_cell(value) else text_cell(ws, value) for value in values]


_SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts (at most 31 characters, none of \\ / * ? : [ ]) from any text."""
    return _SHEET_TITLE_ILLEGAL.sub("_", xml_text(text))[:31] or "Sheet"


def _is_cell(value) -> bool:
    return hasattr(value, "data_type") and hasattr(value, "coordinate")


# ---------------------------------------------------------------- reading uploads

NOT_XLSX = (
    "文件不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名；请用 Excel 另存为 .xlsx 后再上传。"
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z$0-9:]+)\"")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})?\$?(\d+)?")
_HEAD_BYTES = 64 * 1024  # the dimension element comes right after sheetPr, well inside this


def xlsx_inspect(source) -> None:
    """Refuse an .xlsx whose zip would inflate past the limits, or whose sheets declare too many rows
    or columns, with a Chinese DomainError on field "file"; reads no more than a little of each sheet.

    Python's zipfile never inflates a member past its declared size, so a lying header cannot get more
    than the declared total past this check. Limits: settings.XLSX_MAX_* (docs/deploy.md).
    """
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            _check_archive(archive)
    except (DomainError, FileNotFoundError):
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        KeyError,
        EOFError,
        NotImplementedError,
        RuntimeError,  # an encrypted part
        zlib.error,  # a corrupt deflate stream
    ):
        raise DomainError(NOT_XLSX, field="file") from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)


def _check_archive(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > settings.XLSX_MAX_MEMBERS:
        raise DomainError(
            f"工作簿内部有 {len(members):,} 个部件，超过 {settings.XLSX_MAX_MEMBERS:,} 个的上限，不像正常的 Excel 文件；"
            "请用 Excel 另存后再上传。",
            field="file",
        )
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise DomainError(NOT_XLSX, field="file")
    total = sum(m.file_size for m in members)
    limit = settings.XLSX_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise DomainError(
            f"工作簿解压后有 {total / 1024 / 1024:,.0f} MB，超过 {limit / 1024 / 1024:,.0f} MB 的上限；"
            "请分成几个工作簿上传。",
            field="file",
        )
    strings = next((m for m in members if m.filename == "xl/sharedStrings.xml"), None)
    if strings is not None and strings.file_size > limit // 4:
        # openpyxl holds the whole shared-string table in memory, even in read-only mode.
        raise DomainError(
            f"工作簿中的文字表解压后有 {strings.file_size / 1024 / 1024:,.0f} MB，超过 "
            f"{limit // 4 / 1024 / 1024:,.0f} MB 的上限；请分成几个工作簿上传。",
            field="file",
        )
    for member in members:
        # Small parts may compress very well; a large one that shrank past the ratio is a zip bomb.
        if member.file_size > 1024 * 1024 and member.file_size > settings.XLSX_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise DomainError(
                f"工作簿中的「{member.filename}」压缩比异常（{member.file_size // max(member.compress_size, 1):,} 倍），"
                "可能是恶意构造的文件，已拒绝。请用 Excel 另存后再上传。",
                field="file",
            )
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as part:
                head = part.read(_HEAD_BYTES)
            _check_dimension(head)


def _check_dimension(head: bytes) -> None:
    # openpyxl's read-only mode pads every row to the declared width and every gap to the declared
    # height, so a sheet claiming A1:XFD1048576 costs billions of empty cells however small it is.
    found = _DIMENSION.search(head)
    if not found:
        return
    rows = columns = 0
    for ref in found.group(1).decode("ascii", "replace").split(":"):
        match = _CELL_REF.fullmatch(ref)
        if not match:
            raise DomainError(NOT_XLSX, field="file")
        letters, digits = match.groups()
        if letters:
            columns = max(columns, column_index_from_string(letters.upper()))
        if digits:
            rows = max(rows, int(digits))
    max_rows, max_columns = settings.XLSX_MAX_ROWS, settings.XLSX_MAX_COLUMNS
    if rows - 1 > max_rows or columns > max_columns:  # the first row is the header
        raise DomainError(
            f"工作表的数据区域有 {max(rows - 1, 0):,} 行 × {columns:,} 列（不含表头），超过 {max_rows:,} 行 × "
            f"{max_columns:,} 列的上限（可能含有大量空白格式的行或列）；请删除多余的行列，或按镇、村拆分后分别导入。",
            field="file",
        )
