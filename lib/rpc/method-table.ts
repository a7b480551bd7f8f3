import 'server-only';
import type { RpcMethod } from './method';
import { accountPolicyGet } from './methods/account-policy-get';
import { accountPolicySet } from './methods/account-policy-set';
import { auth } from './methods/auth';
import { deauth } from './methods/deauth';
import { domainList } from './methods/domain-list';
import { helloInnerworld } from './methods/hello-innerworld';
import { helloWorld } from './methods/hello-world';
import { mailAdd } from './methods/mail-add';
import { mailApppassDel } from './methods/mail-apppass-del';
import { mailApppassList } from './methods/mail-apppass-list';
import { mailDel } from './methods/mail-del';
import { mailGet } from './methods/mail-get';
import { mailList } from './methods/mail-list';
import { mailSet } from './methods/mail-set';
import { netsetAdd } from './methods/netset-add';
import { netsetDel } from './methods/netset-del';
import { netsetGet } from './methods/netset-get';
import { netsetList } from './methods/netset-list';
import { netsetSet } from './methods/netset-set';
import { notifyDestAdd } from './methods/notify-dest-add';
import { notifyDestDel } from './methods/notify-dest-del';
import { notifyDestList } from './methods/notify-dest-list';
import { notifyDestTest } from './methods/notify-dest-test';

/** Every method of spec §9, §15 and §20/§21, by its wire name. A Map, so names like "__proto__" or "toString" are simply unknown. */
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
  ['mail.apppass.list', mailApppassList],
  ['mail.apppass.del', mailApppassDel],
  ['netset.list', netsetList],
  ['netset.get', netsetGet],
  ['netset.add', netsetAdd],
  ['netset.set', netsetSet],
  ['netset.del', netsetDel],
  ['account.policy.get', accountPolicyGet],
  ['account.policy.set', accountPolicySet],
  ['notify.dest.add', notifyDestAdd],
  ['notify.dest.list', notifyDestList],
  ['notify.dest.del', notifyDestDel],
  ['notify.dest.test', notifyDestTest],
]);
