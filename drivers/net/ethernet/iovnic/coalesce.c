// SPDX-License-Identifier: GPL-2.0
/*
 * A queue's interrupt: raised when a frame lands in the ring, masked while
 * the owner polls (as a NIC raises one MSI per batch), and delayed by
 * interrupt moderation (ethtool -C rx-usecs / rx-frames).
 */
#include <linux/hrtimer.h>
#include <linux/irq.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>

#include "iovnic.h"

static void iovnic_queue_fire(struct iovnic_queue *q)
{
	struct irq_data *irqd;

	if (!test_and_clear_bit(IOVNIC_IRQ_ARMED, &q->irq_flags))
		return;
	this_cpu_inc(*q->fired);
	irqd = READ_ONCE(q->irqd);
	if (irqd && !iovnic_irq_is_local(irqd))
		iovnic_irq_raise(irqd);
	else
		q->notify(q->ctx);
}

u64 iovnic_queue_fired(const struct iovnic_queue *q)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(q->fired, cpu);
	return sum;
}

static enum hrtimer_restart iovnic_coal_timer(struct hrtimer *t)
{
	struct iovnic_queue *q = container_of(t, struct iovnic_queue,
					      coal_timer);

	clear_bit(IOVNIC_IRQ_TIMER, &q->irq_flags);
	iovnic_queue_fire(q);
	return HRTIMER_NORESTART;
}

/*
 * A frame is in the ring: interrupt the owner unless the queue's vector is
 * masked (NAPI is polling), as a real NIC raises one MSI per batch.  With
 * moderation the interrupt waits rx-usecs, or until rx-frames arrived.
 */
void iovnic_queue_kick(struct iovnic_queue *q)
{
	struct iovnic_vport *vport = q->vport;
	u32 usecs, frames;

	/*
	 * Order the frame's ring write before the test of the mask; pairs
	 * with the barrier in iovnic_queue_irq_rearm(): either NAPI sees
	 * the frame or we see the vector armed.
	 */
	smp_mb();
	if (!test_bit(IOVNIC_IRQ_ARMED, &q->irq_flags))
		return;
	usecs = READ_ONCE(vport->coal_usecs);
	if (usecs) {
		frames = READ_ONCE(vport->coal_frames);
		if (!frames || atomic_inc_return(&q->coal_count) < frames) {
			if (!test_and_set_bit(IOVNIC_IRQ_TIMER, &q->irq_flags))
				hrtimer_start(&q->coal_timer,
					      ns_to_ktime(usecs * NSEC_PER_USEC),
					      HRTIMER_MODE_REL);
			return;
		}
	}
	iovnic_queue_fire(q);
}

/* A frame is in the ring of a queue without moderation: interrupt now. */
void iovnic_queue_kick_now(struct iovnic_queue *q)
{
	/* as in iovnic_queue_kick() */
	smp_mb();
	iovnic_queue_fire(q);
}

/* NAPI completed: unmask, and catch what arrived while it finished. */
void iovnic_queue_irq_rearm(struct iovnic_queue *q)
{
	atomic_set(&q->coal_count, 0);
	set_bit(IOVNIC_IRQ_ARMED, &q->irq_flags);
	/*
	 * Order the unmask before the ring check; pairs with the barrier
	 * between the producer's ring write and its test of the mask in
	 * iovnic_queue_kick(): either it sees the vector armed or we see
	 * its frame.
	 */
	smp_mb__after_atomic();
	if (!__ptr_ring_empty(&q->ring) &&
	    test_and_clear_bit(IOVNIC_IRQ_ARMED, &q->irq_flags))
		q->notify(q->ctx);
}

void iovnic_vport_set_coalesce(struct iovnic_vport *vport, u32 usecs,
			       u32 frames)
{
	WRITE_ONCE(vport->coal_frames, frames);
	WRITE_ONCE(vport->coal_usecs, usecs);
}

/* The queue's vector (0: none, NAPI is scheduled directly). */
void iovnic_queue_irq_set(struct iovnic_queue *q, int irq)
{
	WRITE_ONCE(q->irqd, irq ? irq_get_irq_data(irq) : NULL);
}

/* A queue's moderation timer, once, when the device creates the queue. */
void iovnic_queue_coal_init(struct iovnic_queue *q)
{
	hrtimer_init(&q->coal_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	q->coal_timer.function = iovnic_coal_timer;
}
