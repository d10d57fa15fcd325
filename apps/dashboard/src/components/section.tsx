import { useId, type ReactNode } from 'react';

/** A page section: its h2 names the region, with room for the section's own controls beside it. */
export function Section({ title, tools, children }: { title: string; tools?: ReactNode; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="section" aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>{title}</h2>
        {tools && <div className="section-tools">{tools}</div>}
      </div>
      {children}
    </section>
  );
}
