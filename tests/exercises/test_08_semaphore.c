/*
 * test_08_semaphore.c - 08-event-loop/exercises/semaphore.c on the real
 * loop: six tasks through a Semaphore(2) are never more than two inside,
 * get in first come first served, and all get through.
 */
#include EXERCISE
#include "loop_fixture.h"

#include <stdio.h>
#include <string.h>

TestSuite(semaphore, .init = open_loop, .fini = close_loop,
          .timeout = HANG_TIMEOUT);

static int inside, most_inside, finished;
static char entered[32]; /* ids, in the order they got in */

/* async def user(sem, id):
 *     async with sem: ... two turns of the loop inside ... */
typedef struct {
    Gen gen;
    Semaphore *sem;
    int id;
    SemaphoreAcquire acquire;
    Sleep sleep;
    void *ignored;
} User;

static GenStatus user_step(Gen *g)
{
    User *u = (User *)g;
    GEN_BEGIN(g);
    semaphore_acquire(&u->acquire, u->sem);
    AWAIT(g, &u->acquire.gen, u->ignored);
    entered[strlen(entered)] = (char)('0' + u->id);
    inside++;
    most_inside = inside > most_inside ? inside : most_inside;
    asleep(&u->sleep, loop, 0);
    AWAIT(g, &u->sleep.gen, u->ignored);
    asleep(&u->sleep, loop, 0);
    AWAIT(g, &u->sleep.gen, u->ignored);
    inside--;
    finished++;
    semaphore_release(u->sem);
    GEN_END(g);
}

Test(semaphore, lets_at_most_value_tasks_in_first_come_first_served)
{
    Semaphore sem;
    semaphore_init(&sem, loop, 2);
    User users[6];
    Task tasks[6];
    Future *children[6];
    void *results[6];
    for (int i = 0; i < 6; i++) {
        users[i] = (User){.sem = &sem, .id = i};
        Gen *coro = gen_init(&users[i].gen, user_step, "user");
        children[i] = &create_task(loop, &tasks[i], coro, NULL)->future;
    }
    Gather all;
    cr_assert_eq(
        run_until_complete(loop, gather(&all, loop, children, 6, results)), 0,
        "a task failed");
    cr_assert_eq(most_inside, 2,
                 "%d tasks were inside a Semaphore(2) at once: acquire "
                 "must wait (AWAIT a future) when no place is free",
                 most_inside);
    cr_assert_eq(finished, 6,
                 "%d of 6 tasks got through: release() must "
                 "wake the first waiter (set its future)",
                 finished);
    cr_assert_str_eq(entered, "012345",
                     "they got in as %s, not 012345: waiters form a line, "
                     "first in, first woken",
                     entered);
    cr_assert_eq(sem.value, 2,
                 "after every release the semaphore has %d "
                 "free places, not 2",
                 sem.value);
}
