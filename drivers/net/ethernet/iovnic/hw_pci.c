// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI side of the emulated device: one software PCI host bridge per PF,
 * in a PCI domain of its own numbered from 0x10000 up.  The PF is function
 * 00.0 of bus 00 and carries a PCI Express capability (root-complex
 * integrated endpoint) and an SR-IOV extended capability; VF n answers at
 * devfn 1 + n once the PCI core sets VF Enable.  Config space lives in
 * memory, with a write mask per byte as in real hardware.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "iovnic.h"

static struct pci_ops iovnic_pci_ops;

static u16 cfg_get16(const u8 *d, unsigned int off)
{
	return d[off] | (d[off + 1] << 8);
}

static void cfg_put(u8 *d, unsigned int off, u32 val, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		d[off + i] = val >> (8 * i);
}

/* Header and PCI Express capability shared by PF and VF functions. */
static void iovnic_cfg_init_common(u8 *d, u8 *w, u16 device)
{
	unsigned int pcie = IOVNIC_CAP_PCIE, msi = IOVNIC_CAP_MSI;

	cfg_put(d, PCI_VENDOR_ID, IOVNIC_VENDOR_ID, 2);
	cfg_put(d, PCI_DEVICE_ID, device, 2);
	cfg_put(w, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
		PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		PCI_COMMAND_INTX_DISABLE, 2);
	cfg_put(d, PCI_STATUS, PCI_STATUS_CAP_LIST, 2);
	d[PCI_REVISION_ID] = 1;
	cfg_put(d, PCI_CLASS_DEVICE, PCI_CLASS_NETWORK_ETHERNET, 2);
	w[PCI_CACHE_LINE_SIZE] = 0xff;
	w[PCI_LATENCY_TIMER] = 0xff;
	d[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	cfg_put(d, PCI_SUBSYSTEM_VENDOR_ID, IOVNIC_VENDOR_ID, 2);
	cfg_put(d, PCI_SUBSYSTEM_ID, device, 2);
	d[PCI_CAPABILITY_LIST] = pcie;
	w[PCI_INTERRUPT_LINE] = 0xff;
	d[PCI_INTERRUPT_PIN] = 0;	/* no INTx: nothing to route */

	/* PCI Express capability v2, root-complex integrated endpoint */
	d[pcie + PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
	d[pcie + PCI_CAP_LIST_NEXT] = msi;
	cfg_put(d, pcie + PCI_EXP_FLAGS,
		2 | (PCI_EXP_TYPE_RC_END << 4), 2);
	cfg_put(d, pcie + PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_RELAX_EN |
		PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ_512B, 2);
	cfg_put(w, pcie + PCI_EXP_DEVCTL, ~PCI_EXP_DEVCTL_BCR_FLR, 2);

	/* MSI: one 64-bit vector with a mask bit (irq.c delivers it) */
	d[msi + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	d[msi + PCI_CAP_LIST_NEXT] = 0;
	cfg_put(d, msi + PCI_MSI_FLAGS,
		PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT, 2);
	cfg_put(w, msi + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	cfg_put(w, msi + PCI_MSI_ADDRESS_LO, 0xfffffffc, 4);
	cfg_put(w, msi + PCI_MSI_ADDRESS_HI, 0xffffffff, 4);
	cfg_put(w, msi + PCI_MSI_DATA_64, 0xffff, 2);
	cfg_put(w, msi + PCI_MSI_MASK_64, 0x1, 4);
}

static void iovnic_cfg_init_pf(struct iovnic_hw *hw)
{
	u8 *d = hw->pf_cfg.data, *w = hw->pf_cfg.wmask;
	unsigned int sriov = IOVNIC_EXTCAP_SRIOV;

	iovnic_cfg_init_common(d, w, IOVNIC_PF_DEVICE_ID);
	if (!hw->total_vfs)
		return;

	cfg_put(d, sriov, PCI_EXT_CAP_ID_SRIOV | (1 << 16), 4);
	cfg_put(w, sriov + PCI_SRIOV_CTRL,
		PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE, 2);
	cfg_put(d, sriov + PCI_SRIOV_INITIAL_VF, hw->total_vfs, 2);
	cfg_put(d, sriov + PCI_SRIOV_TOTAL_VF, hw->total_vfs, 2);
	cfg_put(w, sriov + PCI_SRIOV_NUM_VF, 0xffff, 2);
	cfg_put(d, sriov + PCI_SRIOV_VF_OFFSET, IOVNIC_VF_OFFSET, 2);
	cfg_put(d, sriov + PCI_SRIOV_VF_STRIDE, IOVNIC_VF_STRIDE, 2);
	cfg_put(d, sriov + PCI_SRIOV_VF_DID, IOVNIC_VF_DEVICE_ID, 2);
	/* 4K, 8K, 64K, 256K, 1M and 4M pages; the core picks one */
	cfg_put(d, sriov + PCI_SRIOV_SUP_PGSIZE, 0x553, 4);
	cfg_put(d, sriov + PCI_SRIOV_SYS_PGSIZE, 0x1, 4);
	cfg_put(w, sriov + PCI_SRIOV_SYS_PGSIZE, 0xffffffff, 4);
}

static void iovnic_cfg_reset_vfs(struct iovnic_hw *hw)
{
	u8 tmpl[PCI_CFG_SPACE_SIZE] = {};
	unsigned int i;

	memset(hw->vf_wmask, 0, sizeof(hw->vf_wmask));
	iovnic_cfg_init_common(tmpl, hw->vf_wmask, IOVNIC_VF_DEVICE_ID);
	for (i = 0; i < hw->total_vfs; i++)
		memcpy(hw->vf_cfg[i], tmpl, sizeof(tmpl));
}

static bool iovnic_vfs_enabled(struct iovnic_hw *hw)
{
	return cfg_get16(hw->pf_cfg.data, IOVNIC_EXTCAP_SRIOV +
			 PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE;
}

/*
 * Find the config space behind a routing ID.  VFs answer only while VF
 * Enable is set and only up to NumVFs, so a bus scan never sees them.
 */
static u8 *iovnic_cfg_lookup(struct iovnic_hw *hw, unsigned int devfn,
			     u8 **wmask, unsigned int *size)
{
	unsigned int vf;

	if (devfn == 0) {
		*wmask = hw->pf_cfg.wmask;
		*size = PCI_CFG_SPACE_EXP_SIZE;
		return hw->pf_cfg.data;
	}
	if (!hw->total_vfs || !iovnic_vfs_enabled(hw))
		return NULL;
	vf = (devfn - IOVNIC_VF_OFFSET) / IOVNIC_VF_STRIDE;
	if (vf >= cfg_get16(hw->pf_cfg.data, IOVNIC_EXTCAP_SRIOV +
			    PCI_SRIOV_NUM_VF))
		return NULL;
	*wmask = hw->vf_wmask;
	*size = PCI_CFG_SPACE_SIZE;
	return hw->vf_cfg[vf];
}

static struct iovnic_hw *iovnic_hw_from_bus(struct pci_bus *bus)
{
	if (bus->ops != &iovnic_pci_ops)
		return NULL;
	return container_of(to_pci_sysdata(bus), struct iovnic_hw, sysdata);
}

struct iovnic_hw *iovnic_hw_from_pdev(struct pci_dev *pdev)
{
	return iovnic_hw_from_bus(pdev->bus);
}

/* Config accessors; the PCI core serializes them under pci_lock. */
static int iovnic_cfg_read(struct pci_bus *bus, unsigned int devfn,
			   int where, int size, u32 *val)
{
	struct iovnic_hw *hw = iovnic_hw_from_bus(bus);
	unsigned int len, i;
	u8 *d, *w;
	u32 v = 0;

	d = iovnic_cfg_lookup(hw, devfn, &w, &len);
	if (!d) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	if (where + size <= len)
		for (i = 0; i < size; i++)
			v |= d[where + i] << (8 * i);
	*val = v;
	return PCIBIOS_SUCCESSFUL;
}

static int iovnic_cfg_write(struct pci_bus *bus, unsigned int devfn,
			    int where, int size, u32 val)
{
	struct iovnic_hw *hw = iovnic_hw_from_bus(bus);
	unsigned int sriov = IOVNIC_EXTCAP_SRIOV;
	unsigned int len, i, off;
	bool was_enabled;
	u16 num_vfs;
	u8 *d, *w;

	d = iovnic_cfg_lookup(hw, devfn, &w, &len);
	if (!d)
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (where + size > len)
		return PCIBIOS_SUCCESSFUL;

	was_enabled = devfn == 0 && hw->total_vfs && iovnic_vfs_enabled(hw);
	num_vfs = cfg_get16(hw->pf_cfg.data, sriov + PCI_SRIOV_NUM_VF);

	for (i = 0; i < size; i++) {
		off = where + i;
		d[off] = (d[off] & ~w[off]) | ((val >> (8 * i)) & w[off]);
	}

	if (devfn != 0 || !hw->total_vfs)
		return PCIBIOS_SUCCESSFUL;

	/* NumVFs is read-only while VF Enable is set, and capped */
	if (was_enabled ||
	    cfg_get16(d, sriov + PCI_SRIOV_NUM_VF) > hw->total_vfs)
		cfg_put(d, sriov + PCI_SRIOV_NUM_VF, num_vfs, 2);
	/* VFs come out of VF Enable freshly reset */
	if (!was_enabled && iovnic_vfs_enabled(hw))
		iovnic_cfg_reset_vfs(hw);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops iovnic_pci_ops = {
	.read = iovnic_cfg_read,
	.write = iovnic_cfg_write,
};

/* A PCI domain no other host bridge uses, from 0x10000 up (as vmd does). */
static int iovnic_find_free_domain(void)
{
	struct pci_bus *bus = NULL;
	int domain = IOVNIC_DOMAIN_BASE;

	while ((bus = pci_find_next_bus(bus))) {
		if (pci_domain_nr(bus) == domain) {
			domain++;
			bus = NULL;	/* rescan for the new candidate */
		}
	}
	return domain;
}

/*
 * Fault injection, as netdevsim offers through debugfs: writing N to
 * /sys/kernel/debug/iovnic/iovnic<P>/fail_queue_alloc makes the next N
 * queue allocations (a ring for ethtool -L, a ring resize for -G) fail
 * with ENOMEM, so tests can show that a failed reconfiguration leaves the
 * old one running.  fail_queue_alloc_after lets so many allocations
 * succeed first, so that the failure hits a change half-way (the unwind
 * of the queues already set up).
 */
int iovnic_hw_fault(struct iovnic_hw *hw)
{
	if (!atomic_read(&hw->fail_queue_alloc))
		return 0;
	if (atomic_add_unless(&hw->fail_queue_alloc_after, -1, 0))
		return 0;
	return atomic_add_unless(&hw->fail_queue_alloc, -1, 0) ? -ENOMEM : 0;
}

static void iovnic_hw_debugfs_init(struct iovnic_hw *hw)
{
	char name[16];

	snprintf(name, sizeof(name), "iovnic%u", hw->index);
	hw->debugfs = debugfs_create_dir(name, iovnic_debugfs_root);
	debugfs_create_atomic_t("fail_queue_alloc", 0600, hw->debugfs,
				&hw->fail_queue_alloc);
	debugfs_create_atomic_t("fail_queue_alloc_after", 0600, hw->debugfs,
				&hw->fail_queue_alloc_after);
}

struct iovnic_hw *iovnic_hw_create(unsigned int index, u16 total_vfs)
{
	LIST_HEAD(resources);
	struct iovnic_hw *hw;
	int err;

	hw = kvzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	hw->index = index;
	hw->total_vfs = total_vfs;
	if (total_vfs) {
		hw->vf_cfg = kvcalloc(total_vfs, sizeof(*hw->vf_cfg),
				      GFP_KERNEL);
		if (!hw->vf_cfg) {
			err = -ENOMEM;
			goto err_free;
		}
	}
	iovnic_cfg_init_pf(hw);
	iovnic_cfg_reset_vfs(hw);
	iovnic_hw_debugfs_init(hw);

	err = iovnic_sw_init(hw);
	if (err)
		goto err_free;
	err = iovnic_irq_domain_create(hw);
	if (err)
		goto err_sw;

	hw->sysdata.node = NUMA_NO_NODE;
	hw->busn.name = "iovnic bus";
	hw->busn.start = 0;
	hw->busn.end = 0;
	hw->busn.flags = IORESOURCE_BUS | IORESOURCE_PCI_FIXED;
	pci_add_resource(&resources, &hw->busn);

	pci_lock_rescan_remove();
	hw->sysdata.domain = iovnic_find_free_domain();
	hw->bus = pci_create_root_bus(NULL, 0, &iovnic_pci_ops, &hw->sysdata,
				      &resources);
	if (!hw->bus) {
		pci_unlock_rescan_remove();
		pci_free_resource_list(&resources);
		err = -ENODEV;
		goto err_irq;
	}
	iovnic_irq_domain_attach(hw, hw->bus);
	pci_scan_child_bus(hw->bus);
	pci_bus_add_devices(hw->bus);
	pci_unlock_rescan_remove();
	return hw;

err_irq:
	iovnic_irq_domain_destroy(hw);
err_sw:
	iovnic_sw_fini(hw);
err_free:
	debugfs_remove(hw->debugfs);
	kvfree(hw->vf_cfg);
	kvfree(hw);
	return ERR_PTR(err);
}

/*
 * sriov_numvfs_store() takes pci_rescan_remove_lock inside the file's
 * active reference (6.12), and removing the PF under that lock waits for
 * the file's active references: lockdep sees a cycle.  No write can reach
 * the lock any more (module exit unbinds the drivers first, and without
 * one the store fails before it), but lockdep cannot know: the file goes
 * first, before the lock is taken, and device_del() then finds it gone.
 */
static void iovnic_hw_remove_numvfs_file(struct iovnic_hw *hw)
{
	static const struct attribute numvfs = { .name = "sriov_numvfs" };
	struct pci_dev *pf = pci_get_slot(hw->bus, 0);

	if (pf) {
		sysfs_remove_file(&pf->dev.kobj, &numvfs);
		pci_dev_put(pf);
	}
}

void iovnic_hw_destroy(struct iovnic_hw *hw)
{
	struct pci_host_bridge *bridge = pci_find_host_bridge(hw->bus);

	iovnic_hw_remove_numvfs_file(hw);
	pci_lock_rescan_remove();
	pci_stop_root_bus(hw->bus);
	pci_remove_root_bus(hw->bus);
	pci_unlock_rescan_remove();
	/*
	 * pci_remove_root_bus() only deletes the host bridge device; the
	 * reference pci_create_root_bus() returned it with is ours to drop
	 * (kmemleak: the bridge, its name and resource list leaked).
	 */
	pci_free_host_bridge(bridge);
	iovnic_irq_domain_destroy(hw);
	iovnic_sw_fini(hw);
	debugfs_remove(hw->debugfs);
	kvfree(hw->vf_cfg);
	kvfree(hw);
}
