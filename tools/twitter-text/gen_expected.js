// Produces the X length table used by tests/test_x_length.py with the official npm `twitter-text` (parseTweet).
// Run from this folder after `npm install twitter-text@3.1.0`:
//   python3 cases.py && node gen_expected.js inputs.json > ../../tests/data/x_weighted_length.json
const t = require('twitter-text');
const fs = require('fs');
const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = cases.map((c) => {
  const r = t.parseTweet(c.text);
  return { name: c.name, text: c.text, weighted_length: r.weightedLength, valid: r.valid };
});
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
