#!/bin/bash
# Every code block of README.md that follows a marker
#   <!-- FILE [NAME] -->
# is, verbatim, the region of FILE between the lines "/* [NAME] */" and
# "/* [/NAME] */" (C) or "# [NAME]" and "# [/NAME]" (Python): the README
# shows code that the test suite compiles and runs.
#   test-readme-snippets.sh SOURCE_ROOT OUT_DIR
set -euo pipefail
root=$1
out=$2
rm -rf "$out"
mkdir -p "$out"

markers=$(grep -o '^<!-- [^ ]* \[[A-Z-]*\] -->$' "$root/README.md" || true)
count=0
while read -r _ file name _; do
  [ -n "$file" ] || continue
  name=${name#[}
  name=${name%]}
  src=$root/$file
  [ -f "$src" ] || { echo "README.md names $file, which does not exist"; exit 1; }
  region=$out/$(basename "$file").$name.region
  block=$out/$(basename "$file").$name.readme
  awk -v name="$name" '
    $0 == "/* [" name "] */" || $0 == "# [" name "]" { inside = 1; next }
    $0 == "/* [/" name "] */" || $0 == "# [/" name "]" { inside = 0; found = 1 }
    inside { print }
    END { exit found ? 0 : 1 }' "$src" > "$region" \
    || { echo "$file has no [$name] region"; exit 1; }
  awk -v marker="<!-- $file [$name] -->" '
    $0 == marker { after = 1; next }
    after && /^```[a-z]+$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$root/README.md" > "$block"
  if ! diff -u "$region" "$block"; then
    echo "README.md's [$name] block differs from $file's region (above: - file, + README)"
    exit 1
  fi
  echo "[$name]: $(wc -l < "$block") lines, the same in README.md and $file"
  count=$((count + 1))
done <<< "$markers"
[ "$count" -ge 3 ] || { echo "only $count README snippets checked"; exit 1; }
