#!/usr/bin/env bash
# Tools only the tests use, pinned: Python's icalendar (a second, strict calendar parser) into the
# project's venv (.tools/venv, made by install-temporal-cli.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.tools/venv/bin/python
[ -x "$PY" ] || python3 -m venv .tools/venv
.tools/venv/bin/pip install -q --only-binary=:all: icalendar==6.3.1

# veraPDF (the PDF/A and PDF/UA validator) from Maven Central, pinned; its jars and classpath are
# cached under .tools/verapdf so a second run resolves nothing. Tests run it as
# `java -cp "$(cat .tools/verapdf/classpath)" org.verapdf.apps.GreenfieldCliWrapper`.
VERAPDF_VERSION=1.28.2
VERAPDF_DIR=.tools/verapdf
# The classpath holds absolute paths: a project folder moved (or a worktree that made it removed)
# leaves it naming jars that are gone, so it is made again then.
classpath_current() {
  [ -s "$VERAPDF_DIR/classpath" ] && grep -q "greenfield-apps-$VERAPDF_VERSION" "$VERAPDF_DIR/classpath" &&
    [ -f "$(cut -d: -f1 "$VERAPDF_DIR/classpath")" ]
}
if ! classpath_current; then
  mkdir -p "$VERAPDF_DIR"
  cat > "$VERAPDF_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dossier</groupId>
  <artifactId>verapdf-classpath</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.verapdf.apps</groupId>
      <artifactId>greenfield-apps</artifactId>
      <version>$VERAPDF_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
  mvn -q -B -f "$VERAPDF_DIR/pom.xml" -Dmaven.repo.local="$PWD/$VERAPDF_DIR/repository" \
    dependency:build-classpath -Dmdep.outputFile="$PWD/$VERAPDF_DIR/classpath.partial"
  mv "$VERAPDF_DIR/classpath.partial" "$VERAPDF_DIR/classpath"
fi
echo "[dossier setup] veraPDF $VERAPDF_VERSION: $VERAPDF_DIR/classpath"
