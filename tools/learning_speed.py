"""How long the learned suggestions take on a survey's comments: learning from N of them and
suggesting themes for all the others, as the window does in the background once N are coded.

The comments are the free-text answers of the survey's Coded responses sheet (from `analyse`),
each labelled with its response's rule themes: labels good enough to time the work, not to judge
its quality (that is `evaluate` on people's labels).

    pip install python-calamine
    python3 tools/learning_speed.py target/release/consultlens target/bench-data/workbench/survey_10000.xlsx 400 10000
"""

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from python_calamine import CalamineWorkbook


def comments_with_themes(binary, survey, directory):
    summary = Path(directory) / "summary.xlsx"
    subprocess.run([binary, "analyse", survey, "--out", summary, "--quiet"], check=True)
    rows = CalamineWorkbook.from_path(summary).get_sheet_by_name("Coded responses").to_python()
    header = rows[0]
    themes = header.index("Themes")
    texts = [column for column, name in enumerate(header) if name.startswith(("Q4.", "Q5.", "Q6."))]
    labelled = Path(directory) / "comments.csv"
    with open(labelled, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "labels"])
        for row in rows[1:]:
            labels = str(row[themes]).replace(", ", ";") if row[themes] else ""
            writer.writerows([row[column], labels] for column in texts if row[column])
    return labelled


def main(binary, survey, sizes):
    with tempfile.TemporaryDirectory() as directory:
        labelled = comments_with_themes(binary, survey, directory)
        for size in sizes:
            out = subprocess.run(
                [binary, "evaluate", labelled, "--text", "text", "--labels", "labels", "--train-size", str(size), "--json"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out)
            print(f"learned from {size:,} comments, suggested for {result['examples']:,}: {result['seconds']:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], [int(size) for size in sys.argv[3:]] or [400])
