'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/**
 * A navigation link that marks the current page (aria-current, styled bold and underlined). `exact`
 * matches the path only; otherwise a sub-page counts too (a mailbox page is under "Mailboxes").
 */
export function NavLink({ href, exact = false, exclude = [], children }: { href: string; exact?: boolean; exclude?: string[]; children: React.ReactNode }) {
  const pathname = usePathname() ?? '';
  const inside = pathname === href || (!exact && pathname.startsWith(`${href}/`) && !exclude.some((e) => pathname === e || pathname.startsWith(`${e}/`)));
  return (
    <Link href={href} aria-current={inside ? 'page' : undefined}>
      {children}
    </Link>
  );
}
