"""Each format `rota import` reads, the merge into an existing scenario, and bad files (one line, exit 2,
nothing written)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from rota_solver.cli import main
from rota_solver.loading import load_scenario
from rota_solver.timetable_import import ImportProblem, import_timetable
from rota_solver.timetable_import.names import class_ids, infer_grade

ROOT = Path(__file__).resolve().parents[2]

ASC = """<?xml version="1.0" encoding="UTF-8"?>
<timetable ascttversion="2019.13.1" importtype="database" options="idprefix:X,daynumbering1">
  <periods columns="period,name,short,starttime,endtime">
    <period name="1" short="1" period="1" starttime="8:00" endtime="8:45"/>
    <period name="2" short="2" period="2" starttime="8:55" endtime="9:40"/>
    <period name="3" short="3" period="3" starttime="10:00" endtime="10:45"/>
  </periods>
  <daysdefs columns="id,days,name,short">
    <daysdef id="*1" name="Any day" short="X" days="10000,01000,00100,00010,00001"/>
    <daysdef id="*2" name="Monday" short="Mo" days="10000"/>
    <daysdef id="*3" name="Tuesday" short="Tu" days="01000"/>
    <daysdef id="*4" name="Wednesday" short="We" days="00100"/>
    <daysdef id="*5" name="Thursday" short="Th" days="00010"/>
    <daysdef id="*6" name="Friday" short="Fr" days="00001"/>
  </daysdefs>
  <subjects columns="id,name,short">
    <subject id="S1" name="Mathematics" short="Ma"/>
    <subject id="S2" name="Physical education" short="PE"/>
  </subjects>
  <teachers columns="id,name,short">
    <teacher id="T1" name="Ms Smith" short="Sm"/>
  </teachers>
  <classes columns="id,name,short,grade">
    <class id="C1" name="1.A" short="1A" grade="1"/>
    <class id="C2" name="Blue" short="Bl" grade="2"/>
  </classes>
  <groups columns="id,classid,name,entireclass">
    <group id="G1" classid="C1" name="Entire class" entireclass="1"/>
    <group id="G2" classid="C2" name="Boys" entireclass="0"/>
  </groups>
  <lessons columns="id,classids,groupids,subjectid,periodspercard,periodsperweek,teacherids">
    <lesson id="L1" classids="C1" groupids="G1" subjectid="S1" periodspercard="2" teacherids="T1"/>
    <lesson id="L2" classids="C2" groupids="G2" subjectid="S2" periodspercard="1" teacherids="T1"/>
  </lessons>
  <cards columns="lessonid,period,days,weeks">
    <card lessonid="L1" period="1" days="10000" weeks="11"/>
    <card lessonid="L2" period="3" days="00100" weeks="10"/>
    <card lessonid="L9" period="3" days="00100" weeks="11"/>
  </cards>
</timetable>
"""


def test_asc_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "school.xml"
    source.write_text(ASC, encoding="utf-8")
    out = tmp_path / "school.yaml"
    assert main(["import", str(source), "--out", str(out), "--term-start", "2026-09-07", "--term-end",
                 "2026-12-18"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "line 38: card of unknown lesson 'L9'" in printed
    scenario = load_scenario(out)
    first, blue = scenario.classes
    assert (first.name, first.grade, blue.grade) == ("1.A", 1, 2)
    assert [(b.day, b.period, b.what) for b in first.busy] == [
        ("mon", "p1", "Mathematics"), ("mon", "p2", "Mathematics")]  # fmt: skip
    (pe,) = blue.busy
    assert (pe.day, pe.period, pe.what) == ("wed", "p3", "Physical education")
    assert pe.model_dump().get("weeks") in (["A"], None)  # week A only, where the scenario says weeks
    assert (str(scenario.periods[0].start), str(scenario.periods[0].end)) == ("08:00:00", "08:45:00")
    assert main(["validate", str(out)]) == 0


def test_long_csv_with_a_mapping_and_a_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "riverside.yaml"
    shutil.copy(ROOT / "scenarios" / "riverside_primary.yaml", existing)
    before = existing.read_text(encoding="utf-8")
    source = tmp_path / "lessons.csv"
    source.write_text(
        "Form;Weekday;Lesson;Course;Staff\n"
        "Year 6A;Monday;1 09:00-09:45;Maths;Mr Iqbal\n"
        "Year 6A;Tuesday;2 09:50-10:35;PE;\n"
        "Year 7A;Monday;1 09:00-09:45;Science;Ms Khan\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "layout: long\n"
        "columns: {class: Form, day: Weekday, period: Lesson, subject: Course, teacher: Staff}\n"
    )
    assert main(["import", str(source), "--mapping", str(mapping), "--into", str(existing)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert existing.read_text(encoding="utf-8") == before  # the old version stays as it was
    merged = load_scenario(tmp_path / "riverside-v2.yaml")
    old = load_scenario(existing)
    assert [r.id for r in merged.rules] == [r.id for r in old.rules]
    assert [w.id for w in merged.windows] == [w.id for w in old.windows]
    six = merged.school_class("6A")
    assert [b.what for b in six.busy] == ["Choir", "Maths", "PE"]  # its club stays, lessons added
    seven = next(c for c in merged.classes if c.name == "Year 7A")
    assert (seven.id, seven.grade, [b.what for b in seven.busy]) == ("year-7a", 7, ["Science"])
    assert len(merged.classes) == len(old.classes) + 1
    # Importing again gives the next version and adds nothing twice.
    assert (
        main(
            ["import", str(source), "--mapping", str(mapping), "--into", str(tmp_path / "riverside-v2.yaml")]
        )
        == 0
    )
    again = load_scenario(tmp_path / "riverside-v3.yaml")
    assert again.school_class("6A").busy == six.busy


def test_grid_xlsx_one_sheet_per_class(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "三年级2班"
    sheet.append(["", "星期一", "星期二", "星期三", "星期四", "星期五"])
    sheet.append(["第一节 8:00-8:40", "语文", "数学", "", "英语", "体育"])
    sheet.append(["第二节 8:50-9:30", "数学\n王老师", "", "", "", ""])
    other = book.create_sheet("Blocks")
    other.append(["五年级1班"])
    other.append(["节次", "周一", "周二"])
    other.append(["第一节 8:00-8:40", "科学", ""])
    path = tmp_path / "课表.xlsx"
    book.save(path)
    result = import_timetable(path.read_bytes(), path.name)
    names = [(c.id, c.name, c.grade) for c in result.scenario.classes]
    assert names == [("3-2", "三年级2班", 3), ("5-1", "五年级1班", 5)]
    assert result.scenario.school.locale == "zh-CN"
    third = result.scenario.classes[0]
    assert [(b.day, b.period, b.what) for b in third.busy][:2] == [
        ("mon", "p1", "语文"),
        ("mon", "p2", "数学"),
    ]


def test_bad_xlsx_names_the_sheet_and_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Lessons"
    sheet.append(["Class", "Day", "Period", "Subject"])
    sheet.append(["5A", "Monday", "1", "Maths"])
    sheet.append(["5A", "Someday", "2", "Art"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    out = tmp_path / "out.yaml"
    assert main(["import", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{path}: sheet 'Lessons' cell B3: expected a weekday, found 'Someday'"]
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("broken.fet", "<fet>\n<Days_List>\n", "line 3"),
        ("other.fet", "<notfet/>", "line 1"),
        ("a.xml", "<timetable>\n<periods/>\n</timetable>", "line 1"),
        ("a.xlsx", "not a zip", ""),
    ],
)
def test_bad_files_are_one_line(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportProblem) as caught:
        import_timetable(path.read_bytes(), name)
    assert caught.value.where == where
    assert "\n" not in caught.value.line() and caught.value.line().startswith(name)


def test_fet_csv_export(fet_examples: Path, tmp_path: Path) -> None:
    source = fet_examples / "Greece/Didymoteicho/6th-Primary-School.fet"
    subprocess.run(
        ["fet-cl", f"--inputfile={source}", f"--outputdir={tmp_path}", "--timelimitseconds=30",
         "--exportcsv=true", "--htmllevel=0"], check=True, capture_output=True,
    )  # fmt: skip
    (csv_file,) = tmp_path.glob("csv/*/*_timetable.csv")
    out = tmp_path / "greek.yaml"
    assert main(["import", str(csv_file), "--out", str(out), "--term-start", "2026-09-07", "--term-end",
                 "2026-12-18"]) == 0  # fmt: skip
    scenario = load_scenario(out)
    assert [c.id for c in scenario.classes][:3] == ["a1", "a2", "v1"]
    assert [c.grade for c in scenario.classes][:12] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert all(len(c.busy) >= 30 for c in scenario.classes[:12])


def test_grades_from_names() -> None:
    cases = {"5A": 5, "Year 3": 3, "三年级2班": 3, "初二(1)班": 8, "Β2": 2, "ΣΤ1": 6, "XII-Science": 12,
             "Grade 7B": 7, "Gr8A": 8, "Pre-Primary": 0, "Reception": 0, "Klasse 7b": 7,
             "Remedial": None}  # fmt: skip
    assert {name: infer_grade(name) for name in cases} == cases
    assert infer_grade("Form Upper-4", re.compile(r"Upper-(\d)")) == 4
    assert class_ids(["5A", "5a", "三年级2班"], [5, 5, 3]) == ["5a", "5a-2", "3-2"]


def test_a_grades_mapping_overrides_names(tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text("class,day,period,subject\nRemedial,mon,1,Maths\n", encoding="utf-8")
    grades = tmp_path / "grades.yaml"
    grades.write_text("Remedial: 4\n", encoding="utf-8")
    out = tmp_path / "s.yaml"
    assert main(["import", str(source), "--grades", str(grades), "--out", str(out)]) == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["classes"][0]["grade"] == 4
