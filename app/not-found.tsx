import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="narrow">
      <h1>Not found</h1>
      <p>
        There is nothing here. <Link href="/mail">Go to your inbox</Link>.
      </p>
    </main>
  );
}
