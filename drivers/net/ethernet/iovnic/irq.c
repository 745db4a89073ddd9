// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of the emulated device.  Each function has an MSI capability;
 * the host bridge gets an MSI irq domain whose parent is the x86 vector
 * domain (as pci-hyperv does), so pci_alloc_irq_vectors() hands every PF
 * and VF a real vector.  The device "sends" an MSI by asking the APIC to
 * deliver that vector again (irq_chip_retrigger_hierarchy): the interrupt
 * arrives on the CPU of the vector's effective affinity through the normal
 * hardware path, so /proc/irq/<n>/smp_affinity_list moves a queue's work.
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
};

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
	hw->msi = msi;
	return 0;

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
	irq_domain_remove(msi->domain);
	irq_domain_free_fwnode(msi->fwnode);
	kfree(msi);
	hw->msi = NULL;
}

/* The device signals an interrupt: the APIC delivers the vector again. */
void iovnic_irq_raise(struct irq_data *irqd)
{
	irq_chip_retrigger_hierarchy(irqd);
}
