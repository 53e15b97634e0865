import type { Task } from '@a2a-js/sdk';
import type { User } from '@a2a-js/sdk/server';
import { BoundedTaskStore } from '../../../agents/specialist/a2a-server';

const task = (id: string): Task => ({ kind: 'task', id, contextId: 'c', status: { state: 'completed' } });
const as = (userName: string) => ({ user: { isAuthenticated: true, userName } as User });

describe('A2A task store of a specialist', () => {
  test('keeps only the most recent tasks', async () => {
    const store = new BoundedTaskStore(2);
    for (const id of ['t1', 't2', 't3']) await store.save(task(id), as('u1'));
    expect(store.size).toBe(2);
    await expect(store.load('t1', as('u1'))).resolves.toBeUndefined();
    await expect(store.load('t3', as('u1'))).resolves.toMatchObject({ id: 't3' });
  });

  test('a task is visible to the user it belongs to only', async () => {
    const store = new BoundedTaskStore();
    await store.save(task('t1'), as('u1'));
    await expect(store.load('t1', as('u2'))).resolves.toBeUndefined();
    await expect(store.load('t1', as('u1'))).resolves.toMatchObject({ id: 't1' });
  });
});
