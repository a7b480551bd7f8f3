import 'server-only';
import type { RpcMethod } from './method';
import { auth } from './methods/auth';
import { deauth } from './methods/deauth';
import { domainList } from './methods/domain-list';
import { helloInnerworld } from './methods/hello-innerworld';
import { helloWorld } from './methods/hello-world';
import { mailAdd } from './methods/mail-add';
import { mailDel } from './methods/mail-del';
import { mailGet } from './methods/mail-get';
import { mailList } from './methods/mail-list';
import { mailSet } from './methods/mail-set';

/** Every method of spec §9, by its wire name. A Map, so names like "__proto__" or "toString" are simply unknown. */
export const methodTable: ReadonlyMap<string, RpcMethod> = new Map([
  ['auth', auth],
  ['deauth', deauth],
  ['hello.world', helloWorld],
  ['hello.innerworld', helloInnerworld],
  ['domain.list', domainList],
  ['mail.list', mailList],
  ['mail.get', mailGet],
  ['mail.add', mailAdd],
  ['mail.set', mailSet],
  ['mail.del', mailDel],
]);
