// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of the emulated device.  Each function has an MSI capability;
 * the host bridge gets an MSI irq domain whose parent is the x86 vector
 * domain (as pci-hyperv does), so pci_alloc_irq_vectors() hands every PF
 * and VF a real vector.  The device "sends" an MSI by asking the APIC to
 * deliver that vector again (irq_chip_retrigger_hierarchy): the interrupt
 * arrives on the CPU of the vector's effective affinity through the normal
 * hardware path, so /proc/irq/<n>/smp_affinity_list moves a queue's work.
 *
 * x86 gives a PCI function one MSI vector only (no multi-MSI without
 * interrupt remapping), and MSI-X would need a table in a BAR.  The PF's
 * further queues take their vectors from a second domain of the bridge,
 * also a child of the vector domain, as a device's queue interrupts.
 */
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/slab.h>
#include <asm/irqdomain.h>
#include <asm/msi.h>

#include "iovnic.h"

struct iovnic_msi {
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	struct msi_domain_info info;
	struct irq_chip chip;
	struct msi_domain_ops ops;
	/* vectors of the PF's queues 1..n-1 */
	struct fwnode_handle *qfwnode;
	struct irq_domain *qdomain;
	struct irq_chip qchip;
};

static int iovnic_qirq_alloc(struct irq_domain *d, unsigned int virq,
			     unsigned int nr_irqs, void *arg)
{
	struct iovnic_msi *msi = d->host_data;
	unsigned int i;
	int err;

	err = irq_domain_alloc_irqs_parent(d, virq, nr_irqs, arg);
	if (err)
		return err;
	for (i = 0; i < nr_irqs; i++)
		irq_domain_set_info(d, virq + i, virq + i, &msi->qchip, NULL,
				    handle_edge_irq, NULL, "edge");
	return 0;
}

static const struct irq_domain_ops iovnic_qirq_ops = {
	.alloc	= iovnic_qirq_alloc,
	.free	= irq_domain_free_irqs_common,
};

static int iovnic_qirq_domain_create(struct iovnic_msi *msi, unsigned int id)
{
	msi->qfwnode = irq_domain_alloc_named_id_fwnode("iovnic-queue", id);
	if (!msi->qfwnode)
		return -ENOMEM;
	msi->qchip.name = "iovnic-queue";
	msi->qchip.irq_ack = irq_chip_ack_parent;
	msi->qchip.irq_retrigger = irq_chip_retrigger_hierarchy;
	msi->qchip.irq_set_affinity = irq_chip_set_affinity_parent;
	msi->qchip.flags = IRQCHIP_SKIP_SET_WAKE;
	msi->qdomain = irq_domain_create_hierarchy(x86_vector_domain, 0, 0,
						   msi->qfwnode,
						   &iovnic_qirq_ops, msi);
	if (!msi->qdomain) {
		irq_domain_free_fwnode(msi->qfwnode);
		return -ENOMEM;
	}
	return 0;
}

/* A vector for one of the PF's queues; returns the Linux IRQ number. */
int iovnic_irq_alloc_queue(struct iovnic_hw *hw)
{
	struct irq_alloc_info info = {};

	return __irq_domain_alloc_irqs(hw->msi->qdomain, -1, 1, NUMA_NO_NODE,
				       &info, false, NULL);
}

void iovnic_irq_free_queue(int irq)
{
	irq_dispose_mapping(irq);
}

int iovnic_irq_domain_create(struct iovnic_hw *hw)
{
	struct iovnic_msi *msi;

	msi = kzalloc(sizeof(*msi), GFP_KERNEL);
	if (!msi)
		return -ENOMEM;
	msi->fwnode = irq_domain_alloc_named_id_fwnode("iovnic-msi", hw->index);
	if (!msi->fwnode)
		goto err_free;

	msi->chip.name = "iovnic-MSI";
	msi->chip.irq_ack = irq_chip_ack_parent;
	msi->chip.irq_retrigger = irq_chip_retrigger_hierarchy;
	msi->ops.msi_prepare = pci_msi_prepare;
	msi->info.chip = &msi->chip;
	msi->info.ops = &msi->ops;
	msi->info.flags = MSI_FLAG_USE_DEF_DOM_OPS | MSI_FLAG_USE_DEF_CHIP_OPS |
			  MSI_FLAG_PCI_MSIX;
	msi->info.handler = handle_edge_irq;
	msi->info.handler_name = "edge";
	msi->info.data = hw;
	msi->domain = pci_msi_create_irq_domain(msi->fwnode, &msi->info,
						x86_vector_domain);
	if (!msi->domain)
		goto err_fwnode;
	if (iovnic_qirq_domain_create(msi, hw->index))
		goto err_domain;
	hw->msi = msi;
	return 0;

err_domain:
	irq_domain_remove(msi->domain);
err_fwnode:
	irq_domain_free_fwnode(msi->fwnode);
err_free:
	kfree(msi);
	return -ENOMEM;
}

/* Functions of the bus take their MSI domain from the bus device. */
void iovnic_irq_domain_attach(struct iovnic_hw *hw, struct pci_bus *bus)
{
	dev_set_msi_domain(&bus->dev, hw->msi->domain);
}

void iovnic_irq_domain_destroy(struct iovnic_hw *hw)
{
	struct iovnic_msi *msi = hw->msi;

	if (!msi)
		return;
	irq_domain_remove(msi->qdomain);
	irq_domain_free_fwnode(msi->qfwnode);
	irq_domain_remove(msi->domain);
	irq_domain_free_fwnode(msi->fwnode);
	kfree(msi);
	hw->msi = NULL;
}

/*
 * Is this CPU the vector's, with no move away from it pending?  Then an
 * interrupt could only schedule NAPI right here, and the device skips the
 * round trip through the APIC (a self-IPI) as veth does.  x86 applies a
 * new affinity of an MSI when the vector next fires: while one is pending,
 * the interrupt must really be raised.
 */
bool iovnic_irq_is_local(struct irq_data *irqd)
{
	unsigned int cpu = smp_processor_id();

	return !irqd_is_setaffinity_pending(irqd) &&
	       cpumask_test_cpu(cpu, irq_data_get_effective_affinity_mask(irqd)) &&
	       cpumask_test_cpu(cpu, irq_data_get_affinity_mask(irqd));
}

/* The device signals an interrupt: the APIC delivers the vector again. */
void iovnic_irq_raise(struct irq_data *irqd)
{
	irq_chip_retrigger_hierarchy(irqd);
}
