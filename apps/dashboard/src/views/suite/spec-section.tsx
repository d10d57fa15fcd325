import { useMemo } from 'react';
import { stringify } from 'yaml';
import type { SuiteView } from '../../api/types';
import { Section } from '../../components/section';
import { downloadText } from '../../export/download';

/** The validated spec, every default filled in: exactly what the suite was launched with. */
export function SpecSection({ suite }: { suite: SuiteView }) {
  const yaml = useMemo(() => stringify(JSON.parse(suite.specJson)), [suite.specJson]);
  const download = (
    <button type="button" className="small" onClick={() => downloadText(yaml, `${suite.name}.yaml`, 'application/yaml')}>
      YAML
    </button>
  );
  return (
    <Section title="Spec" tools={download}>
      <pre className="spec">{yaml}</pre>
    </Section>
  );
}
