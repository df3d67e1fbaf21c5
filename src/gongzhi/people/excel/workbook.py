"""The people workbook: its columns, the blank template, reading a sheet, and marking a sheet's errors.

Import lives in excel_import.py, export in excel_export.py; both use the columns defined here, so
an exported workbook (revealed) can be imported again unchanged.
"""

import io
import itertools
from dataclasses import dataclass

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gongzhi.kernel.errors import DomainError
from gongzhi.kernel.identity import gb11643_check_digit
from gongzhi.kernel.office import NOT_XLSX, safe_row, xlsx_inspect, xml_text

from ..choices import (
    DATE_EXTRA,
    EXTRA_FIELDS,
    INFLOW_REASONS,
    Education,
    Ethnicity,
    Gender,
    IdType,
    MaritalStatus,
    PersonKind,
    PoliticalStatus,
    Relation,
    Tag,
)

SHEET_TITLE = "实有人口"
NOTES_TITLE = "说明"
ERROR_HEADER = "错误说明"
MARK_AUTHOR = "共治"
RED = PatternFill("solid", start_color="FFFF9999", end_color="FFFF9999")

REQUIRED = "必填"
COLUMN_ONLY = "列必须有，值可空"
OPTIONAL = "选填"


def _labels(choices) -> str:
    return "、".join(str(label) for _, label in choices.choices)


@dataclass(frozen=True)
class Column:
    """One column: its header, the clean_person() key it feeds ('extra.x' for 类型附加项), and help."""

    header: str
    key: str
    need: str = OPTIONAL
    allowed: str = ""
    fmt: str = ""
    example: str = ""
    text: bool = False  # stored as text in the template, so Excel keeps long digit strings whole

    @property
    def required(self) -> bool:
        return self.need != OPTIONAL


_EXAMPLE_ID = "42082219850315002" + gb11643_check_digit("42082219850315002")

_CORE = [
    Column("姓名", "name", REQUIRED, fmt="不超过 64 个字", example="李秀英"),
    Column(
        "公民身份号码", "id_number", REQUIRED,
        fmt="18 位，末位可为 X（GB 11643）；证件类型不是居民身份证时填该证件的号码", example=_EXAMPLE_ID, text=True,
    ),
    Column(
        "联系电话", "phone", COLUMN_ONLY,
        fmt="手机 11 位，或带区号的座机；更新已有人员时留空则保留原号码", example="13972345678", text=True,
    ),
    Column("网格编码", "area_code", REQUIRED, fmt="15 位网格或 18 位微网格编码", example="420822110209001", text=True),
    Column("性别", "gender", allowed=_labels(Gender), fmt="居民身份证可空，按号码推出", example="女"),
    Column("出生日期", "birth_date", fmt="日期，如 1985-03-15；居民身份证可空", example="1985-03-15"),
    Column("民族", "ethnicity", allowed=_labels(Ethnicity), fmt="空则为汉族", example="汉族"),
    Column("证件类型", "id_type", allowed=_labels(IdType), fmt="空则为居民身份证", example="居民身份证"),
    Column("政治面貌", "political_status", allowed=_labels(PoliticalStatus), fmt="空则为群众", example="群众"),
    Column("学历", "education", allowed=_labels(Education), example="高中"),
    Column("婚姻状况", "marital_status", allowed=_labels(MaritalStatus), example="已婚"),
    Column("职业", "occupation", fmt="不超过 64 个字", example="个体经营"),
    Column("服务处所", "workplace", fmt="不超过 128 个字", example="贺集村便民超市"),
    Column("人口类型", "kind", allowed=_labels(PersonKind), fmt="空则为户籍人口", example="户籍人口"),
    Column("现住址", "address", fmt="空则填为所在网格的名称", example="高阳镇贺集村三组 12 号"),
    Column("户籍地区划代码", "hukou_area_code", fmt="本系统中已有的区划代码", example="420822110209", text=True),
    Column("户籍地址", "hukou_address", fmt="不超过 200 个字", example="湖北省沙洋县高阳镇贺集村三组 12 号"),
    Column("户号", "household_no", fmt="同一网格内同户号的人归为一户，现住址须一致", example="0012", text=True),
    Column("与户主关系", "relation", allowed=_labels(Relation), fmt="填了户号就必填，每户一个户主", example="户主"),
    Column("标签", "tags", allowed=_labels(Tag), fmt="多个用 、 或 , 分隔", example="志愿者、中心户长"),
]  # fmt: skip


def _extra_columns() -> list[Column]:
    columns = []
    for kind, items in EXTRA_FIELDS.items():
        kind_label = PersonKind(kind).label
        for key, label in items.items():
            fmt = f"仅{kind_label}填写"
            if key in DATE_EXTRA:
                fmt += "；日期，如 2024-03-15"
            allowed = "常用：" + "、".join(INFLOW_REASONS) if key == "inflow_reason" else ""
            columns.append(Column(label, f"extra.{key}", allowed=allowed, fmt=fmt))
    return columns


PEOPLE_COLUMNS: list[Column] = _CORE + _extra_columns()
BY_HEADER = {c.header: c for c in PEOPLE_COLUMNS}
BY_KEY = {c.key: c for c in PEOPLE_COLUMNS}
DATE_KEYS = {"birth_date"} | {f"extra.{key}" for key in DATE_EXTRA}


def normalise_header(value) -> str:
    """Header text as typed by people: spaces, full-width brackets and a required-mark '*' do not matter."""
    text = "" if value is None else str(value)
    text = "".join(text.split()).replace("（", "(").replace("）", ")")
    return text.strip("*＊")


def header_for(field: str | None) -> str:
    """The column header of a clean_person() problem's field key ('' when it has none)."""
    column = BY_KEY.get(field or "")
    return column.header if column else (field or "")


# ---------------------------------------------------------------- reading


def open_workbook(source, *, read_only: bool):
    """An openpyxl workbook from a path or a binary file, or a Chinese DomainError for anything else."""
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        xlsx_inspect(source)  # before openpyxl inflates anything: zip bombs, absurd dimensions
        return openpyxl.load_workbook(source, read_only=read_only, data_only=True)
    except FileNotFoundError:
        raise DomainError(f"找不到文件 {source}。", field="file") from None
    except DomainError:
        raise
    except Exception:  # openpyxl raises a zoo of errors (zip, XML, key) on files that are not .xlsx
        raise DomainError(NOT_XLSX, field="file") from None


def data_sheet(workbook):
    """The sheet holding the rows: the one named 实有人口 if present, else the first."""
    if SHEET_TITLE in workbook.sheetnames:
        return workbook[SHEET_TITLE]
    return workbook.worksheets[0]


# ---------------------------------------------------------------- writing


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def style_header(ws, columns: list[Column], widths: dict[str, int] | None = None) -> None:
    """Column widths and a frozen header row; set before any row, so it works in write-only sheets."""
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(column.header, 14)
    ws.freeze_panes = "A2"


def header_cells(ws, columns: list[Column]) -> list:
    """Header cells for a write-only sheet: bold, required columns in red."""
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = Font(bold=True, color="FFC00000" if column.required else None)
        cells.append(cell)
    return cells


_WIDE = {"公民身份号码": 22, "网格编码": 18, "现住址": 28, "户籍地址": 30, "服务处所": 20, "标签": 18}


def template_workbook() -> bytes:
    """A blank people workbook: the header row, and a 说明 sheet describing every column with an example."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    style_header(ws, PEOPLE_COLUMNS, _WIDE)
    for i, column in enumerate(PEOPLE_COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font = Font(bold=True, color="FFC00000" if column.required else None)
        cell.comment = Comment(f"{column.need}。{column.fmt}", "共治模板")
        if column.text:
            # Text format stops Excel turning an 18-digit ID into 4.20822E+17 and losing its last digits.
            ws.column_dimensions[get_column_letter(i)].number_format = "@"
        # A drop-down for short single-choice lists (标签 takes several values, 民族 is too long for one).
        if (
            column.allowed
            and column.key != "tags"
            and "常用" not in column.allowed
            and len(column.allowed) < 250
        ):
            choices = column.allowed.replace("、", ",")
            rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            rule.add(f"{get_column_letter(i)}2:{get_column_letter(i)}100000")
            ws.add_data_validation(rule)
    _notes_sheet(wb.create_sheet(NOTES_TITLE))
    return _bytes(wb)


def _notes_sheet(ws) -> None:
    ws.append(["实有人口导入说明"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["在「实有人口」表第 1 行之下每行填写一人；列的顺序可以调整，按列名识别。红色列名为必填列。"])
    ws.append(["导入时先检查全部行：只要有一处错误就不写入任何数据，并给出标注了错误单元格的工作簿。"])
    ws.append(["证件号码已登记的人员按本表更新；表中没有的选填列保持原值。"])
    ws.append([])
    head = ["列名", "是否必填", "可选值", "格式与说明", "示例"]
    ws.append(head)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for column in PEOPLE_COLUMNS:
        ws.append([column.header, column.need, column.allowed, column.fmt, column.example])
    ws.append([])
    ws.append(["示例行（可复制到「实有人口」表）："])
    ws.append([c.header for c in PEOPLE_COLUMNS])
    ws.append([c.example for c in PEOPLE_COLUMNS])
    for letter, width in zip("ABCDE", (16, 16, 60, 50, 34), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def example_row() -> dict[str, str]:
    """The template's example as {header: value} (tests and docs import it)."""
    return {c.header: c.example for c in PEOPLE_COLUMNS}


# ---------------------------------------------------------------- marking errors


def error_workbook(source, errors, out) -> None:
    """Write to `out` (path or binary file) the uploaded data sheet with each bad cell red and
    commented, and a last column 错误说明 per row. `errors` are (row, column header, reason) triples,
    rows numbered as in Excel.

    The sheet is streamed from a read-only workbook into a write-only one, so memory stays flat for
    200,000 rows; the copy keeps the values (user text stays text, see kernel.office.safe_row), not
    the uploader's formatting or other sheets. Marks of an earlier round are not copied, so a corrected
    workbook sent back is marked afresh."""
    wb_in = open_workbook(source, read_only=True)
    try:
        ws_in = data_sheet(wb_in)
        rows = ws_in.iter_rows(values_only=True)
        header = list(next(rows, ()))
        columns: dict[str, int] = {}
        for i, value in enumerate(header):
            name = normalise_header(value)
            if name and name not in columns:
                columns[name] = i
        note_col = columns.get(ERROR_HEADER)
        if note_col is None:
            note_col = len(header)
            header.append(ERROR_HEADER)
        notes: dict[int, list[str]] = {}
        marks: dict[int, dict[int, list[str]]] = {}
        for row, column, reason in errors:
            notes.setdefault(row, []).append(f"{column}：{reason}" if column else reason)
            col = columns.get(normalise_header(column))
            if col is not None:
                marks.setdefault(row, {}).setdefault(col, []).append(reason)

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet(ws_in.title)
        ws.column_dimensions[get_column_letter(note_col + 1)].width = 60
        for i, value in enumerate(header):
            name = normalise_header(value)
            if i != note_col:
                ws.column_dimensions[get_column_letter(i + 1)].width = _WIDE.get(name, 14)
        ws.freeze_panes = "A2"
        width = len(header)
        for number, values in enumerate(itertools.chain([header], rows), start=1):
            values = list(values) + [None] * (width - len(values))
            values[note_col] = ERROR_HEADER if number == 1 else ("；".join(notes.get(number, ())) or None)
            cells = safe_row(ws, values)
            if number == 1:
                for cell in cells:
                    cell.font = Font(bold=True)
                cells[note_col].font = Font(bold=True, color="FFC00000")
            elif number in notes:
                cells[note_col].font = Font(color="FFC00000")
            for col, reasons in marks.get(number, {}).items():
                cells[col].fill = RED
                cells[col].comment = Comment(xml_text("\n".join(reasons)), MARK_AUTHOR, width=240, height=90)
            ws.append(cells)
        wb.save(out)
    finally:
        wb_in.close()
