// Pulls two JSON Schemas out of the npm packages that embed them (see ci-schemas.sh):
// argv[2] a wasm holding SchemaStore's schemas as JSON text, argv[3] a JS bundle holding
// GitLab's CI schema as an object literal. Writes them, pretty-printed, into $OUT.
const fs = require('fs');
const path = require('path');

// end returns the index just past the brace block that opens at s[i], skipping quoted text.
function end(s, i) {
  let depth = 0, quote = null;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j + 1;
  }
  throw new Error('unbalanced braces from offset ' + i);
}

function write(name, schema) {
  fs.writeFileSync(path.join(process.env.OUT, name), JSON.stringify(schema, null, 2) + '\n');
}

const wasm = fs.readFileSync(process.argv[2], 'latin1');
const workflowID = 'https://json.schemastore.org/github-workflow.json';
const marker = /"\$schema": *"http:\/\/json-schema.org\/draft-07\/schema#"/g;
let workflow = null;
for (let m; !workflow && (m = marker.exec(wasm)); ) {
  const open = wasm.lastIndexOf('{', m.index);
  const schema = JSON.parse(Buffer.from(wasm.slice(open, end(wasm, open)), 'latin1').toString('utf8'));
  if (schema.$id === workflowID) workflow = schema;
}
if (!workflow) throw new Error('no ' + workflowID + ' in ' + process.argv[2]);
write('github-workflow.json', workflow);

const bundle = fs.readFileSync(process.argv[3], 'utf8');
const gitlabID = '$id:"https://gitlab.com/.gitlab-ci.yml"';
const g = bundle.indexOf(gitlabID);
if (g < 0) throw new Error('no GitLab CI schema in ' + process.argv[3]);
const gOpen = bundle.lastIndexOf('{', g);
write('gitlab-ci.json', Function('return ' + bundle.slice(gOpen, end(bundle, gOpen)))());
