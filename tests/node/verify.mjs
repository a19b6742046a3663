// An independent verifier for the tests: Digital Bazaar's vc with the eddsa-rdfc-2022 cryptosuite, and its
// Bitstring Status List checker for a credential that has a credentialStatus.
// Reads {"credential", "controller", "contexts": {url: document}, "documents": {url: document}} on stdin
// (documents: what the credential links to, such as its status list credential, as the site serves it)
// and prints {"verified", "errors", "revoked"} as JSON; revoked is null without a credentialStatus.
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import {readFileSync} from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const documents = new Map([
  ...multikeyContext.contexts, ...didContext.contexts,
  ...Object.entries(input.contexts || {}),
  ...Object.entries(input.documents || {}),
]);
const controller = input.controller;
documents.set(controller.id, controller);
for(const method of controller.verificationMethod) {
  documents.set(method.id, {'@context': 'https://w3id.org/security/multikey/v1', ...method});
}
// Only what the test gave: nothing is fetched, so a context the credential names but the test did not
// bundle fails verification instead of being read from the network.
const documentLoader = async url => {
  if(!documents.has(url)) {
    throw new Error(`No bundled document for ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: documents.get(url)};
};
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const result = await vc.verifyCredential({credential: input.credential, suite, documentLoader, checkStatus});
const errors = (result.error?.errors || (result.error ? [result.error] : [])).map(e => e.message || String(e));
if(result.statusResult && !result.statusResult.verified) {
  errors.push(`status: ${result.statusResult.error?.message || 'not verified'}`);
}
const statuses = result.statusResult?.results?.map(each => each.status) ?? null;
console.log(JSON.stringify({
  verified: result.verified,
  errors,
  revoked: statuses && statuses.some(Boolean),
}));
