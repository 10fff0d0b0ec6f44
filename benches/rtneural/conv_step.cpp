// RTNeural twin of examples/bench's and benches/peers.py's `conv_step` (issue 22): ONE streaming
// step of Input(None, 1) -> Conv1D(8, 3, padding="causal") -> GRU(8) (reset_after=True) ->
// Dense(1), state carried, single thread. Built and run by run.sh beside bench.cpp (same flags,
// one binary per backend: conv_step_stl, conv_step_eigen, conv_step_xsimd).
//
// RTNeural's Conv1DT<T, in, out, kernel, dilation, groups = 1, dynamic_state = false> is a
// streaming layer: each forward() pushes one input frame into a ring of (kernel - 1) * dilation + 1
// frames, zeroed by reset(), and outputs bias + sum_k W[k] x[t - k * dilation]: Keras's causal
// Conv1D (zero history on the left), with its taps in reverse order. Keras's kernel (k, in, out)
// therefore goes in as ws[out][in][k - 1 - tap], as RTNeural's own JSON loader does
// (model_loader.h, loadConv1D). This program checks that, and the whole model, before timing:
// from reset(), 1000 steps against a float64 reference of the Keras semantics written here from
// the Keras-layout weights; max abs diff must be < 1e-4, else it exits 1 without timing.
//
// Output: {"peer":"rtneural-<backend>","workload":"conv_step","seconds":<median>} on stdout,
// "seconds" being the median over repeats of (time of STEP_BATCH consecutive forward calls) /
// STEP_BATCH, as bench.cpp's *_step workloads; spread, check and checksum on stderr.

#include <RTNeural/RTNeural.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#if RTNEURAL_USE_EIGEN
static const char* kBackend = "eigen";
#elif RTNEURAL_USE_XSIMD
static const char* kBackend = "xsimd";
#else
static const char* kBackend = "stl";
#endif

using clk = std::chrono::steady_clock;
using Mat = std::vector<std::vector<float>>;

static constexpr int kK = 3, kF = 8, kH = 8; // kernel, filters, GRU units
static constexpr int kInputs = 512;          // distinct input samples, cycled through
alignas(64) static float g_inputs[kInputs][1];

static Mat rand_mat(std::mt19937& rng, int rows, int cols, float scale)
{
    std::uniform_real_distribution<float> u(-scale, scale);
    Mat m(rows, std::vector<float>(cols));
    for(auto& r : m)
        for(auto& v : r)
            v = u(rng);
    return m;
}

// Keras-layout weights: conv kernel (k, 1, 8) stored as [tap][out] (in = 1), bias (8);
// GRU kernel (8, 24), recurrent (8, 24), bias (2, 24), gates z, r, h; Dense kernel (8, 1), bias (1).
struct Weights
{
    Mat convK, convB, W, U, B, denseK, denseB;
};

static double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// float64 Keras semantics over the inputs xs from zero state: the output of every step.
static std::vector<double> reference(const Weights& w, const std::vector<float>& xs)
{
    std::vector<double> out, h(kH, 0.0);
    for(size_t t = 0; t < xs.size(); ++t)
    {
        double c[kF];
        for(int f = 0; f < kF; ++f)
        {
            c[f] = w.convB[0][f];
            for(int j = 0; j < kK; ++j) // causal: tap j reads x[t - (k - 1) + j], zero before 0
            {
                const long s = (long)t - (kK - 1) + j;
                if(s >= 0)
                    c[f] += (double)w.convK[j][f] * xs[(size_t)s];
            }
        }
        double xm[3 * kH], hm[3 * kH];
        for(int g = 0; g < 3 * kH; ++g)
        {
            xm[g] = w.B[0][g];
            hm[g] = w.B[1][g];
            for(int i = 0; i < kF; ++i)
                xm[g] += c[i] * w.W[i][g];
            for(int i = 0; i < kH; ++i)
                hm[g] += h[i] * w.U[i][g];
        }
        std::vector<double> hn(kH);
        for(int u = 0; u < kH; ++u)
        {
            const double z = sig(xm[u] + hm[u]);
            const double r = sig(xm[kH + u] + hm[kH + u]);
            const double n = std::tanh(xm[2 * kH + u] + r * hm[2 * kH + u]);
            hn[u] = z * h[u] + (1.0 - z) * n;
        }
        h = hn;
        double y = w.denseB[0][0];
        for(int u = 0; u < kH; ++u)
            y += h[u] * w.denseK[u][0];
        out.push_back(y);
    }
    return out;
}

using namespace RTNeural;

static ModelT<float, 1, 1,
    Conv1DT<float, 1, kF, kK, 1>, // in, out, kernel_size, dilation_rate
    GRULayerT<float, kF, kH>,
    DenseT<float, kH, 1>>
    model;

int main()
{
    double scale = 1.0;
    if(const char* s = std::getenv("RTN_BENCH_SCALE"))
        scale = std::atof(s);

    std::mt19937 rng(4242);
    {
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for(auto& row : g_inputs)
            row[0] = u(rng);
    }
    Weights w;
    w.convK = rand_mat(rng, kK, kF, 0.5f);
    w.convB = rand_mat(rng, 1, kF, 0.1f);
    w.W = rand_mat(rng, kF, 3 * kH, 1.0f / std::sqrt((float)kF));
    w.U = rand_mat(rng, kH, 3 * kH, 1.0f / std::sqrt((float)kH));
    w.B = rand_mat(rng, 2, 3 * kH, 0.1f);
    w.denseK = rand_mat(rng, kH, 1, 1.0f / std::sqrt((float)kH));
    w.denseB = rand_mat(rng, 1, 1, 0.1f);

    // Conv1DT::setWeights takes ws[out][in][tap'] with tap' = k - 1 - (Keras tap): see the top.
    std::vector<std::vector<std::vector<float>>> ws(kF, std::vector<std::vector<float>>(1, std::vector<float>(kK)));
    for(int j = 0; j < kK; ++j)
        for(int f = 0; f < kF; ++f)
            ws[f][0][kK - 1 - j] = w.convK[j][f];
    model.get<0>().setWeights(ws);
    model.get<0>().setBias(w.convB[0]);
    model.get<1>().setWVals(w.W);
    model.get<1>().setUVals(w.U);
    model.get<1>().setBVals(w.B);
    Mat denseOI(1, std::vector<float>(kH)); // DenseT::setWeights takes (out, in)
    for(int u = 0; u < kH; ++u)
        denseOI[0][u] = w.denseK[u][0];
    model.get<2>().setWeights(denseOI);
    model.get<2>().setBias(w.denseB[0].data());

    // 1. check, before any timing: 1000 steps from reset against the float64 reference
    constexpr int kCheck = 1000;
    std::vector<float> xs(kCheck);
    for(int t = 0; t < kCheck; ++t)
        xs[t] = g_inputs[t & (kInputs - 1)][0];
    const auto ref = reference(w, xs);
    model.reset();
    double maxdiff = 0.0;
    for(int t = 0; t < kCheck; ++t)
        maxdiff = std::max(maxdiff, std::fabs((double)model.forward(&xs[t]) - ref[t]));
    std::fprintf(stderr, "# rtneural-%s conv_step check: %d steps from reset, max abs diff %.3e vs float64 Keras reference\n",
        kBackend, kCheck, maxdiff);
    if(!(maxdiff < 1e-4))
    {
        std::fprintf(stderr, "rtneural-%s conv_step: CHECK FAILED (max abs diff %.3e >= 1e-4)\n", kBackend, maxdiff);
        return 1;
    }

    // 2. timing: as bench.cpp's time_step
    constexpr int STEP_BATCH = 64;
    const int repeats = std::max(25, (int)(20000 * scale));
    model.reset();
    int idx = 0;
    double acc = 0.0;
    for(int k = 0; k < 2000; ++k) // warm-up
    {
        acc += model.forward(g_inputs[idx]);
        idx = (idx + 1) & (kInputs - 1);
    }
    std::vector<double> samples(repeats);
    for(int r = 0; r < repeats; ++r)
    {
        auto t0 = clk::now();
        for(int k = 0; k < STEP_BATCH; ++k)
        {
            acc += model.forward(g_inputs[idx]);
            idx = (idx + 1) & (kInputs - 1);
        }
        auto t1 = clk::now();
        samples[r] = std::chrono::duration<double>(t1 - t0).count() / STEP_BATCH;
    }
    std::sort(samples.begin(), samples.end());
    const size_t n = samples.size();
    const double med = n % 2 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
    std::printf("{\"peer\":\"rtneural-%s\",\"workload\":\"conv_step\",\"seconds\":%.6e,\"max_abs_diff\":%.3e}\n",
        kBackend, med, maxdiff);
    std::fflush(stdout);
    std::fprintf(stderr, "# rtneural-%s %-18s median %.4e  min %.4e  p10 %.4e  p90 %.4e  n=%zu\n",
        kBackend, "conv_step", med, samples.front(), samples[n / 10], samples[(9 * n) / 10], n);
    std::fprintf(stderr, "[%s] conv_step checksum %.9g\n", kBackend, acc);
    return 0;
}
