// The SMS counter's answers, run by tests/test_frontend.py with node (`node tests/frontend/sms_count.check.mjs`)
// (no test framework; exits non-zero on the first wrong answer).
import assert from "node:assert/strict";
import { parseRecipients, sameNumber, smsCount, smsCounterText } from "../../custom_components/ejoin/frontend/ejoin-sms-count.js";

const cases = [
  ["", "0 characters · GSM-7 · 0 SMS"],
  ["a", "1 character · GSM-7 · 1 SMS"],
  ["Hello world!", "12 characters · GSM-7 · 1 SMS"],
  ["x".repeat(160), "160 characters · GSM-7 · 1 SMS"],
  ["x".repeat(161), "161 characters · GSM-7 · 2 SMS"],
  ["x".repeat(306), "306 characters · GSM-7 · 2 SMS"],
  ["x".repeat(307), "307 characters · GSM-7 · 3 SMS"],
  ["The gate is open. [panel]", "25 characters · GSM-7 · 1 SMS"],
  ["€".repeat(80), "80 characters · GSM-7 · 1 SMS"], // 160 septets
  ["€".repeat(81), "81 characters · GSM-7 · 2 SMS"],
  ["Привет, ворота открыты", "22 characters · UCS-2 · 1 SMS"],
  ["ж".repeat(70), "70 characters · UCS-2 · 1 SMS"],
  ["ж".repeat(75), "75 characters · UCS-2 · 2 SMS"],
  ["ж".repeat(134), "134 characters · UCS-2 · 2 SMS"],
  ["ж".repeat(135), "135 characters · UCS-2 · 3 SMS"],
  ["😀".repeat(35), "35 characters · UCS-2 · 1 SMS"], // 70 code units
  ["😀".repeat(36), "36 characters · UCS-2 · 2 SMS"],
  ["Grüße, Åse! ñ ¿ § @ £ $ ¥", "25 characters · GSM-7 · 1 SMS"],
  ["ç", "1 character · UCS-2 · 1 SMS"], // only capital Ç is in the basic set
  ["line\nbreak\r\n", "12 characters · GSM-7 · 1 SMS"],
  ["form\ffeed", "9 characters · GSM-7 · 1 SMS"],
];
for (const [text, expected] of cases) {
  assert.equal(smsCounterText(text), expected, JSON.stringify(text));
}

// An escape pair is never split: 152 septets and a "[" do not fit a 153-septet part.
assert.equal(smsCount("x".repeat(152) + "[" + "x".repeat(10)).parts, 2);
assert.equal(smsCount("x".repeat(152) + "[" + "x".repeat(160)).parts, 3);
assert.equal(smsCount("x".repeat(158) + "[").units, 160);
assert.equal(smsCount("x".repeat(158) + "[").parts, 1);
// Nor a surrogate pair: 66 units and an emoji do not fit a 67-unit part.
assert.equal(smsCount("ж".repeat(66) + "😀" + "ж".repeat(3)).parts, 2);
assert.equal(smsCount("ж".repeat(66) + "😀" + "ж".repeat(66)).parts, 3);

assert.deepEqual(parseRecipients(" +49 151, +33612\n0612;;123 \n"), ["+49", "151", "+33612", "0612", "123"]);
assert.deepEqual(parseRecipients(""), []);
assert.ok(sameNumber("+4915112345678", "015112345678"));
assert.ok(sameNumber("+15550009876", "15550009876"));
assert.ok(!sameNumber("+15550009876", "+15550009877"));
assert.ok(!sameNumber("", ""));

console.log(`SMS counter: ${cases.length + 10} checks passed`);
