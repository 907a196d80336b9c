export interface GithubIssueResponse {
    id: number;
    number: number;
    title: string;
    state: string;
    user: { login: string };
    labels: { name: string }[];
    pull_request?: unknown;
}

export function toIssue(issue: GithubIssueResponse) {
    return {
        id: String(issue.id),
        number: issue.number,
        title: issue.title,
        state: issue.state,
        author: issue.user.login,
        labels: issue.labels.map((label) => label.name)
    };
}
