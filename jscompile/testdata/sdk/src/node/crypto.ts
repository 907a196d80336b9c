export function randomUUID(): string {
    return '00000000-0000-4000-8000-000000000000';
}
export default { randomUUID };
