// The Speech Rule Engine's English speech of a batch of MathML formulas, for tests/tools.py.
// Usage: node speech.js SRE_PACKAGE_DIR < {"domain": "clearspeak", "formulas": ["<math>...</math>", ...]}
// Writes a JSON list of strings, one per formula; a formula the engine throws on gives
// "[SRE error: message]", so that one bad formula does not hide the others' speech.
const path = require('path');
const home = process.argv[2];
const sre = require(path.join(home, 'lib', 'sre.js'));

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', async () => {
  const {domain, formulas} = JSON.parse(input);
  // The rules are read from the unpacked package (json), never fetched: the tests run offline.
  await sre.setupEngine({locale: 'en', domain, modality: 'speech', json: path.join(home, 'lib', 'mathmaps')});
  await sre.engineReady();
  const spoken = formulas.map(formula => {
    try { return sre.toSpeech(formula); } catch (e) { return `[SRE error: ${e.message}]`; }
  });
  process.stdout.write(JSON.stringify(spoken));
});
