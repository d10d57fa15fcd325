import { Link } from '../routes/link';
import { paths } from '../routes/paths';
import { useDocumentTitle } from './use-document-title';

/** An unknown path, or an id the API does not know (its message says which). */
export function NotFoundPage({ message }: { message: string }) {
  useDocumentTitle('Not found');
  return (
    <div className="page">
      <h1>Not found</h1>
      <p>{message}</p>
      <p>
        <Link to={paths.suites()}>Back to the suites</Link>
      </p>
    </div>
  );
}
