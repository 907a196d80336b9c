export interface GithubIssueResponse {
    id: number;
    title: string;
    state: 'open' | 'closed';
    labels: { name: string }[];
}

export function toIssue(issue: GithubIssueResponse) {
    return { id: String(issue.id), title: issue.title, state: issue.state, labels: issue.labels.map((l) => l.name) };
}
