"""Writes the lab-export test files of this folder (run once: `python tests/water_quality/lab_forms/make_forms.py`).

Each file imitates what a laboratory system exports (Russian headers, decimal commas, title rows, merged cells).
The values are test inputs written here, never published as data. The .xls and .ods writers (xlwt, odfpy) are
needed only to regenerate the files, not to run the tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write_text(name: str, lines: list[str], encoding: str, newline: str = "\r\n", bom: bool = False) -> None:
    data = newline.join(lines) + newline
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))


# 1. A protocol as a Kazakhstan lab exports it: cp1251, ';', CRLF, title rows, water body and sampling point.
PROTOCOL = [
    "Протокол испытаний № 45/2025;;;;;;",
    "Филиал по ВКО, лаборатория мониторинга поверхностных вод;;;;;;",
    ";;;;;;",
    "Водный объект;Пункт отбора;Дата отбора;Показатель;Результат;Ед. изм.;",
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Медь;<0,005;мг/дм3;",  # 5 censored
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Цинк;< 0.005;мг/дм3;",  # 6 censored, space, point
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Кадмий;менее 0,0001;мг/дм3;",  # 7 censored in words
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Ртуть;н/о;мг/дм3;",  # 8 not detected, no limit
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Свинец;не обн.;мг/дм3;",  # 9 not detected
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Мышьяк;ниже ПО;мг/дм3;",  # 10 not detected
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Марганец;0,0025 ± 0,0003;мг/дм3;",  # 11 value with uncertainty
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Фенолы;2,4Е-03;мг/дм3;",  # 12 Cyrillic Е exponent
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Нефтепродукты;-;мг/дм3;",  # 13 not measured (dash)
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Никель;;мг/дм3;",  # 14 not measured (empty)
    "р. Иртыш;г. Усть-Каменогорск;15.04.2025;Сульфаты;1Е22;мг/дм3;",  # 15 impossible value
    "р. Иртыш;в черте г. Семей;16.04.2025;Медь;0,0031;мг/дм3;",  # 16 Semey (Abai region now) -> the East Kaz. site
    "р. Иртыш;пос. Семеновка;16.04.2025;Медь;0,0040;мг/дм3;",  # 17 unknown point: nearest names suggested
    "р. Иртыш;1 км ниже г. Павлодар;17.04.2025;Медь;0,0022;мг/дм3;",  # 18 Pavlodar site
    "р. Иртыш;г. Павлодар;17.04.1925;Цинк;0,011;мг/дм3;",  # 19 implausible year
    "р. Иртыш;г. Павлодар;17.04.2095;Цинк;0,011;мг/дм3;",  # 20 future
]

# 2. Parameters and units as written: UTF-8 with BOM, ',' separated, quoted decimal commas, trailing empty columns.
PARAMETERS = [
    "Водный объект,Область,Дата,Показатель,Значение,Единица измерения,,",
    'Тобол,Костанайская обл.,2025-04-15,медь (Cu),"0,0021",мг/л,,',  # 2 copper
    "Тобол,Костанайская обл.,2025-04-15,Cu,2.1,µg/l,,",  # 3 same copper in µg/l: identical duplicate
    'Тобол,Костанайская обл.,2025-04-15,NO3-,"1,9",мг/куб.дм,,',  # 4 nitrate ion
    'Тобол,Костанайская обл.,2025-04-15,нитрат-ион,"1,9",мг/дм3,,',  # 5 identical duplicate of 4
    'Тобол,Костанайская обл.,2025-04-15,БПК 5,"2,6",мгО2/дм3,,',  # 6 BOD5, Cyrillic О
    'Тобол,Костанайская обл.,2025-04-16,БПК-5,"2,8",мгO2/дм3,,',  # 7 BOD5, Latin O
    'Тобол,Костанайская обл.,2025-04-15,ХПК,"18,5",мгО2/дм3,,',  # 8 COD
    'Тобол,Костанайская обл.,2025-04-15,Кислород растворенный,"9,4",мг/дм3,,',  # 9 dissolved oxygen
    'Тобол,Костанайская обл.,2025-04-16,O2,"9,1",мг/дм3,,',  # 10 dissolved oxygen as a formula
    'Тобол,Костанайская обл.,2025-04-15,Нитриты,"0,021",мг N/дм3,,',  # 11 nitrite written with basis N
    'Тобол,Костанайская обл.,2025-04-15,Жесткость общая,"6,2",°Ж,,',  # 12 hardness in degrees
    'Тобол,Костанайская обл.,2025-04-16,Жёсткость общая,"3,1",ммоль/дм3,,',  # 13 hardness in mmol/l
    'Тобол,Костанайская обл.,2025-04-17,Жесткость общая,"6,0",мг-экв/л,,',  # 14 hardness in mg-eq/l
    "Тобол,Костанайская обл.,2025-04-15,Цинк,11,мкг/дм3,,",  # 15 zinc in µg
    'Тобол,Костанайская обл.,2025-04-15,Медь,"0,5",мгО2/дм3,,',  # 16 an O2 unit for copper: quarantined
    'Тобол,Костанайская обл.,2025-04-15,Кислород растворенный,"95",мг/дм3,,',  # 17 above physical O2 limit
    'Тобол,Костанайская обл.,2025-04-15,Хлорофилл,"2,1",мкг/дм3,,',  # 18 unknown parameter
]

# 3. Sites as labs name them: water body spellings with a region in any spelling (UTF-8, ';', LF).
SITES = [
    "Водоем;Регион;Дата отбора пробы;Ингредиент;Концентрация;Ед.изм.",
    "р.Иртыш;Павлодарская область;15.04.2025;Медь;0,0021;мг/дм3",  # 2
    "Иртыш;Восточно-Казахстанская обл.;15.04.2025;Медь;0,0030;мг/дм3",  # 3
    "р. Иртыш;Абайская область;16.04.2025;Медь;0,0033;мг/дм3",  # 4 Abai -> East Kazakhstan site
    "вдхр. Капшагайское;Алматинская;15.04.2025;Медь;0,0012;мг/дм3",  # 5
    "Кара-Кенгир;Улытауская область;15.04.2025;Медь;0,0090;мг/дм3",  # 6 Ulytau -> Karaganda site
    "оз. Балхаш;Карагандинская область;15.04.2025;Медь;0,0050;мг/дм3",  # 7 no monitoring site: quarantined
    "р. Волга;Павлодарская область;15.04.2025;Медь;0,0050;мг/дм3",  # 8 unknown water body
    "р. Иртыш;Жамбылская область;15.04.2025;Медь;0,0050;мг/дм3",  # 9 no Irtysh site in Zhambyl
]

# 4. Dates as written (a CSV of strings; the workbook below has real date cells and serials).
DATES = [
    "Код пункта;Дата;Показатель;Значение;Ед. изм.",
    "ural__west_kazakhstan;15.04.2025;Медь;0,001;мг/дм3",
    "ural__west_kazakhstan;16.04.25;Медь;0,002;мг/дм3",
    "ural__west_kazakhstan;2025-04-17;Медь;0,003;мг/дм3",
    "ural__west_kazakhstan;18.04.2025 10:30;Медь;0,004;мг/дм3",
    "ural__west_kazakhstan;45766;Медь;0,005;мг/дм3",  # Excel serial of 2025-04-19
    "ural__west_kazakhstan;20.04.1925;Медь;0,006;мг/дм3",  # implausible
    "ural__west_kazakhstan;21.04.2125;Медь;0,007;мг/дм3",  # future
    "ural__west_kazakhstan;31.02.2025;Медь;0,008;мг/дм3",  # not a date
]


def wide_workbook() -> None:
    """Wide layout: title rows, a two-row merged header (parameters over units), site cells merged down,
    a blank row and a totals row; a second sheet in the long layout; an empty third sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Апрель"
    ws["A1"] = "Результаты анализов проб поверхностных вод за апрель 2025 г."
    ws["A2"] = "Лаборатория: ЦЛ г. Павлодар"
    ws.append([])
    ws.append(["Водный объект", "Пункт отбора", "Дата отбора", "Медь", "Цинк", "Нитраты", "БПК5"])
    ws.append([None, None, None, "мг/дм3", "мкг/дм3", "мг/дм3", "мгО2/дм3"])
    for col in "ABC":
        ws.merge_cells(f"{col}4:{col}5")
    ws.append(["р. Иртыш", "г. Павлодар", dt.datetime(2025, 4, 15), 0.0021, 11, "1,2", "<0,5"])  # row 6
    ws.append([None, None, dt.datetime(2025, 4, 22), "0,0019", "-", None, 2.1])  # row 7: merged site cells
    ws.merge_cells("A6:A7")
    ws.merge_cells("B6:B7")
    ws.append([])  # row 8 blank
    ws.append(["р. Иртыш", "г. Усть-Каменогорск", 45762, 0.0035, 25, "н/о", 1.8])  # row 9: Excel serial date
    ws.append(["Среднее", None, None, 0.0025, 18, None, 1.95])  # row 10: totals row
    long = wb.create_sheet("Май")
    long.append(["Сводная таблица", None, None, None, None, None])
    long.append(["Водный объект", "Пункт отбора", "Дата отбора", "Показатель", "Результат", "Ед. изм."])
    long.append(["р. Урал", "ст. Чапаев", "05.05.2025", "Медь", "0,004", "мг/дм3"])
    long.append(["р. Урал", "ст. Чапаев", "05.05.2025", "Цинк", "0,012", "мг/дм3"])
    wb.create_sheet("Примечания")
    wb.save(HERE / "wide_two_row_header.xlsx")


LONG_ROWS = [
    ["Протокол № 12", None, None, None, None, None],
    ["Водный объект", "Пункт отбора", "Дата отбора", "Показатель", "Результат", "Ед. изм."],
    ["р. Тобол", "г. Рудный", "10.04.2025", "Медь", "0,0031", "мг/дм3"],
    ["р. Тобол", "г. Рудный", "10.04.2025", "Нефтепродукты", "<0,02", "мг/дм3"],
    ["р. Тобол", "г. Рудный", "10.04.2025", "Фториды", "-", "мг/дм3"],
]


def xls_workbook() -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Лист1")
    for r, row in enumerate(LONG_ROWS):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.save(str(HERE / "protocol_long.xls"))


def ods_workbook() -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Лист1")
    for row in LONG_ROWS:
        tr = TableRow()
        for v in row:
            cell = TableCell(valuetype="string")
            if v is not None:
                cell.addElement(P(text=v))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(HERE / "protocol_long.ods"))


if __name__ == "__main__":
    write_text("protocol_cp1251.csv", PROTOCOL, "cp1251")
    write_text("parameters_units_bom.csv", PARAMETERS, "utf-8", newline="\n", bom=True)
    write_text("sites_regions.csv", SITES, "utf-8", newline="\n")
    write_text("dates.csv", DATES, "utf-8", newline="\r\n")
    wide_workbook()
    xls_workbook()
    ods_workbook()
