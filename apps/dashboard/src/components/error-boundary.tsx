import { Component, type ReactNode } from 'react';

/** A view that throws while rendering says so instead of leaving a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <h1>Something went wrong</h1>
        <p>This view could not be drawn: {this.state.error.message}</p>
        <p>
          {/* A full load, not an in-app link: it starts the broken view's state afresh. */}
          <a href="/">Back to the suites</a>
        </p>
      </div>
    );
  }
}
