"""The hostile corpus of issue 25: inputs as an attacker or a careless user would write them.

yaml/       flow files, one per case, and expected.yaml: what `piflow validate` answers for each
workbooks.py  workbook cases, built from the bundled example at test time, each with its outcome
themes/     theme files for --style, and expected.yaml
labels.txt  label payloads pushed through every output
damage.py   the seeded damager of the example workbooks and flow files
scan.py     the scanner for active content in every output
How to add a case: docs/testing.md, "The hostile corpus".
"""
