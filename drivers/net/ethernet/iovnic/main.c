// SPDX-License-Identifier: GPL-2.0
/*
 * iovnic - a virtual NIC with VMQ queues and SR-IOV.
 *
 * Module entry: registers the PF and VF PCI drivers, then creates one
 * emulated device (software PCI host bridge + switch) per PF.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "iovnic.h"

unsigned int iovnic_num_pfs = 1;
module_param_named(num_pfs, iovnic_num_pfs, uint, 0444);
MODULE_PARM_DESC(num_pfs, "PFs created at load (1-8, default 1)");

unsigned int iovnic_total_vfs = 64;
module_param_named(total_vfs, iovnic_total_vfs, uint, 0444);
MODULE_PARM_DESC(total_vfs, "SR-IOV TotalVFs of each PF (0-255, default 64)");

unsigned int iovnic_num_queues;
module_param_named(num_queues, iovnic_num_queues, uint, 0444);
MODULE_PARM_DESC(num_queues,
		 "Queue pairs of each PF at probe (1-16, default 0: one per online CPU)");

static struct iovnic_hw *iovnic_hws[IOVNIC_MAX_PFS];
struct dentry *iovnic_debugfs_root;

static void iovnic_destroy_all(void)
{
	int i;

	for (i = IOVNIC_MAX_PFS - 1; i >= 0; i--) {
		if (iovnic_hws[i])
			iovnic_hw_destroy(iovnic_hws[i]);
		iovnic_hws[i] = NULL;
	}
}

static int __init iovnic_init(void)
{
	struct iovnic_hw *hw;
	unsigned int i;
	int err;

	if (iovnic_num_pfs < 1 || iovnic_num_pfs > IOVNIC_MAX_PFS) {
		pr_err("iovnic: num_pfs=%u out of range 1-%d\n",
		       iovnic_num_pfs, IOVNIC_MAX_PFS);
		return -EINVAL;
	}
	if (iovnic_total_vfs > IOVNIC_MAX_VFS) {
		pr_err("iovnic: total_vfs=%u out of range 0-%d\n",
		       iovnic_total_vfs, IOVNIC_MAX_VFS);
		return -EINVAL;
	}

	if (iovnic_num_queues > IOVNIC_MAX_QUEUES) {
		pr_err("iovnic: num_queues=%u out of range 0-%d\n",
		       iovnic_num_queues, IOVNIC_MAX_QUEUES);
		return -EINVAL;
	}

	iovnic_debugfs_root = debugfs_create_dir(IOVNIC_DRV_NAME, NULL);
	err = iovnic_synth_init();
	if (err)
		goto err_debugfs;
	err = pci_register_driver(&iovnic_vf_driver);
	if (err)
		goto err_synth;
	err = pci_register_driver(&iovnic_pf_driver);
	if (err)
		goto err_vf;

	for (i = 0; i < iovnic_num_pfs; i++) {
		hw = iovnic_hw_create(i, iovnic_total_vfs);
		if (IS_ERR(hw)) {
			err = PTR_ERR(hw);
			goto err_hw;
		}
		iovnic_hws[i] = hw;
	}
	return 0;

err_hw:
	iovnic_destroy_all();
	pci_unregister_driver(&iovnic_pf_driver);
err_vf:
	pci_unregister_driver(&iovnic_vf_driver);
err_synth:
	iovnic_synth_exit();
err_debugfs:
	debugfs_remove(iovnic_debugfs_root);
	return err;
}

/*
 * The drivers go first: unbinding takes each device's lock alone, so a
 * concurrent "echo 0 > sriov_numvfs" (device lock, then the PCI core's
 * rescan/remove lock) finishes or finds no driver.  Removing the host
 * bridges takes the rescan/remove lock and then device locks, which
 * would deadlock against a bound PF's sysfs writer.  With no PF bound,
 * no peer_store (a PF attribute) can reach another PF's state either.
 */
static void __exit iovnic_exit(void)
{
	pci_unregister_driver(&iovnic_pf_driver);
	pci_unregister_driver(&iovnic_vf_driver);
	iovnic_destroy_all();
	iovnic_synth_exit();
	debugfs_remove(iovnic_debugfs_root);
}

module_init(iovnic_init);
module_exit(iovnic_exit);

MODULE_DESCRIPTION("iovnic: virtual SR-IOV NIC with VMQ queues");
MODULE_LICENSE("GPL");
