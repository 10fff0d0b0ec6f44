/* A QEMU TCG plugin that counts the guest instructions a program executes and prints the total
 * to stderr at exit ("insns: N"): what tools/aarch64/counts.sh needs, since Debian's qemu-user is
 * built with plugin support but ships no plugins and no qemu-plugin.h.
 *
 * The declarations below are the few entries of QEMU's plugin API (include/qemu/qemu-plugin.h,
 * plugin API version 1, QEMU 5.x-7.x: Debian 12's qemu-user 7.2) that this file uses; QEMU
 * resolves them in its own binary when it loads the plugin. Each translated block adds its
 * instruction count to one counter inline, every time it runs. One counter for all threads:
 * run single-threaded programs (bench's default is one thread).
 *
 * With the argument top=N it also prints the N translated blocks that executed the most
 * instructions ("block 0xADDR: I insns x E runs"), blocks at one address summed: where the hot
 * loops are, to read in the disassembly.
 *
 * Build: gcc -shared -fPIC -O2 -o libinsn_count.so insn_count.c
 * Run:   qemu-aarch64 -L /usr/aarch64-linux-gnu -plugin ./libinsn_count.so[,top=20] PROGRAM ARGS */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t executed;

/* top=N: one record per translation (a block may be translated again), its runs counted inline. */
struct block {
    uint64_t vaddr, insns, runs;
};
static size_t top;
static struct block **blocks;
static size_t n_blocks, cap_blocks;

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t insns = qemu_plugin_tb_n_insns(tb);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed, insns);
    if (top == 0) {
        return;
    }
    if (n_blocks == cap_blocks) {
        cap_blocks = cap_blocks ? 2 * cap_blocks : 4096;
        blocks = realloc(blocks, cap_blocks * sizeof *blocks);
    }
    struct block *b = calloc(1, sizeof *b);
    if (blocks == NULL || b == NULL) {
        abort();
    }
    b->vaddr = qemu_plugin_tb_vaddr(tb);
    b->insns = insns;
    blocks[n_blocks++] = b;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->runs, 1);
}

static int by_vaddr(const void *a, const void *b) {
    const struct block *x = *(struct block *const *)a, *y = *(struct block *const *)b;
    return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

static int by_executed(const void *a, const void *b) {
    const struct block *x = *(struct block *const *)a, *y = *(struct block *const *)b;
    uint64_t ex = x->insns * x->runs, ey = y->insns * y->runs;
    return ex > ey ? -1 : ex < ey;
}

static void finished(qemu_plugin_id_t id, void *userdata) {
    (void)id;
    (void)userdata;
    fprintf(stderr, "insns: %llu\n", (unsigned long long)executed);
    if (top == 0 || n_blocks == 0) {
        return;
    }
    /* Sum the translations of one address (same length: the same code), then rank. */
    qsort(blocks, n_blocks, sizeof *blocks, by_vaddr);
    size_t n = 0;
    for (size_t i = 0; i < n_blocks; i++) {
        if (n > 0 && blocks[n - 1]->vaddr == blocks[i]->vaddr &&
            blocks[n - 1]->insns == blocks[i]->insns) {
            blocks[n - 1]->runs += blocks[i]->runs;
        } else {
            blocks[n++] = blocks[i];
        }
    }
    qsort(blocks, n, sizeof *blocks, by_executed);
    for (size_t i = 0; i < n && i < top; i++) {
        fprintf(stderr, "block 0x%llx: %llu insns x %llu runs\n",
                (unsigned long long)blocks[i]->vaddr, (unsigned long long)blocks[i]->insns,
                (unsigned long long)blocks[i]->runs);
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                               const qemu_info_t *info, int argc,
                                                               char **argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "top=", 4) == 0) {
            top = strtoul(argv[i] + 4, NULL, 10);
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
    qemu_plugin_register_atexit_cb(id, finished, NULL);
    return 0;
}
