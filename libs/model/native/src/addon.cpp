// Node-API bindings. Every call is coarse (a whole forward/backward/step/generate on buffers the
// engine owns); argument checks here turn bad input into JS exceptions instead of crashes.
#include <napi.h>
#include <omp.h>

#include <cmath>
#include <functional>
#include <memory>

#include "cuda/cuda_api.h"
#include "engine.h"
#include "sysinfo.h"

namespace {
using cohort::Engine;

// Runs f, converting C++ exceptions into JS Errors (the process never aborts on bad input).
template <typename F>
auto guard(const Napi::Env& env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "out of memory in the native engine");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

int64_t intArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info.Length() <= i || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) > 9007199254740991.0)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an integer, got " + std::to_string(v));
  return int64_t(v);
}

template <typename T>
T* arrayArg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, int64_t expected,
            const char* name, const char* typeName) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != type)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a " + typeName);
  auto a = info[i].As<Napi::TypedArrayOf<T>>();
  if (expected >= 0 && int64_t(a.ElementLength()) != expected)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " has " + std::to_string(a.ElementLength()) +
                                                " elements, expected " + std::to_string(expected));
  return a.Data();
}

double numField(const Napi::Object& o, const char* key) {
  const Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string("missing numeric field '") + key + "'");
  return v.As<Napi::Number>().DoubleValue();
}

cohort::Config parseConfig(const Napi::Object& c) {
  cohort::Config cfg;
  cfg.vocab = int64_t(numField(c, "vocabSize"));
  cfg.hidden = int64_t(numField(c, "hiddenSize"));
  cfg.layers = int64_t(numField(c, "numLayers"));
  cfg.heads = int64_t(numField(c, "numHeads"));
  cfg.ffn = int64_t(numField(c, "intermediateSize"));
  cfg.maxPos = int64_t(numField(c, "maxPositionEmbeddings"));
  cfg.rotaryDims = int64_t(numField(c, "rotaryDims"));
  cfg.rotaryBase = float(numField(c, "rotaryEmbBase"));
  cfg.lnEps = float(numField(c, "layerNormEps"));
  cfg.parallelResidual = c.Get("useParallelResidual").ToBoolean();
  cfg.geluTanh = c.Get("geluTanh").ToBoolean();
  return cfg;
}

cohort::Precision parsePrecision(const Napi::Env& env, const Napi::Value& v) {
  const std::string p = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (p == "fp32") return cohort::Precision::FP32;
  if (p == "bf16") return cohort::Precision::BF16;
  throw Napi::TypeError::New(env, "precision must be 'fp32' or 'bf16'");
}

// Runs an engine call on a libuv worker thread and settles a Promise, so long training and
// evaluation calls leave the event loop free (Temporal heartbeats). The JS arguments, outputs and
// the engine object stay referenced until it finishes.
class Task : public Napi::AsyncWorker {
 public:
  Task(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> result,
       std::vector<Napi::ObjectReference> keep, bool& busy)
      : Napi::AsyncWorker(env), work_(std::move(work)), result_(std::move(result)), keep_(std::move(keep)),
        busy_(busy), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() const { return deferred_.Promise(); }
  void Execute() override {
    try {
      work_();
    } catch (const std::bad_alloc&) {
      SetError("out of memory in the native engine");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    busy_ = false;
    deferred_.Resolve(result_(Env()));
  }
  void OnError(const Napi::Error& e) override {
    busy_ = false;
    deferred_.Reject(e.Value());
  }

 private:
  std::function<void()> work_;
  std::function<Napi::Value(Napi::Env)> result_;
  std::vector<Napi::ObjectReference> keep_;
  bool& busy_;
  Napi::Promise::Deferred deferred_;
};

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Engine",
                       {InstanceMethod("paramTable", &EngineWrap::ParamTable),
                        InstanceMethod("initWeights", &EngineWrap::InitWeights),
                        InstanceMethod("getParams", &EngineWrap::GetParams),
                        InstanceMethod("setParams", &EngineWrap::SetParams),
                        InstanceMethod("getGrads", &EngineWrap::GetGrads),
                        InstanceMethod("getOptState", &EngineWrap::GetOptState),
                        InstanceMethod("setOptState", &EngineWrap::SetOptState),
                        InstanceMethod("forward", &EngineWrap::Forward<false>),
                        InstanceMethod("forwardAsync", &EngineWrap::Forward<true>),
                        InstanceMethod("forwardBackward", &EngineWrap::ForwardBackward<false>),
                        InstanceMethod("forwardBackwardAsync", &EngineWrap::ForwardBackward<true>),
                        InstanceMethod("zeroGrads", &EngineWrap::ZeroGrads),
                        InstanceMethod("step", &EngineWrap::Step<false>),
                        InstanceMethod("stepAsync", &EngineWrap::Step<true>),
                        InstanceMethod("scoreTargets", &EngineWrap::ScoreTargets<false>),
                        InstanceMethod("scoreTargetsAsync", &EngineWrap::ScoreTargets<true>),
                        InstanceMethod("scoreShared", &EngineWrap::ScoreShared<false>),
                        InstanceMethod("scoreSharedAsync", &EngineWrap::ScoreShared<true>),
                        InstanceMethod("generate", &EngineWrap::Generate<false>),
                        InstanceMethod("generateAsync", &EngineWrap::Generate<true>),
                        InstanceMethod("dispose", &EngineWrap::Dispose)});
  }

  // new Engine(config, backend, threads, options?: { precision: 'fp32' | 'bf16' })
  EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsObject() || !info[1].IsString())
      throw Napi::TypeError::New(env, "Engine(config, backend, threads, options?)");
    const cohort::Config cfg = parseConfig(info[0].As<Napi::Object>());
    const int threads = int(intArg(info, 2, "threads"));
    cohort::Precision precision = cohort::Precision::FP32;
    if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull()) {
      if (!info[3].IsObject()) throw Napi::TypeError::New(env, "Engine options must be an object");
      const Napi::Value p = info[3].As<Napi::Object>().Get("precision");
      if (!p.IsUndefined()) precision = parsePrecision(env, p);
    }
    engine_ = guard(env, [&] { return cohort::makeEngine(info[1].As<Napi::String>(), cfg, threads, precision); });
  }

 private:
  int64_t n() const { return engine_->numParams(); }

  void checkIdle(const Napi::Env& env) const {
    if (!engine_) throw Napi::Error::New(env, "engine was disposed; create or load a model again");
    if (busy_) throw Napi::Error::New(env, "engine is busy with an async call; await it first");
  }

  // Runs `work` now (Async=false) or on a worker thread returning a Promise (Async=true).
  template <bool Async>
  Napi::Value dispatch(const Napi::CallbackInfo& info, std::function<void()> work,
                       std::function<Napi::Value(Napi::Env)> result) {
    Napi::Env env = info.Env();
    if (!Async) {
      guard(env, work);
      return result(env);
    }
    std::vector<Napi::ObjectReference> keep;
    keep.push_back(Napi::Persistent(Value()));
    for (size_t i = 0; i < info.Length(); i++)
      if (info[i].IsObject()) keep.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
    busy_ = true;
    auto* task = new Task(env, std::move(work), std::move(result), std::move(keep), busy_);
    task->Queue();
    return task->promise();
  }

  // Keeps a freshly created output alive until the (possibly async) call returns it.
  static std::function<Napi::Value(Napi::Env)> returning(Napi::Object out) {
    auto ref = std::make_shared<Napi::ObjectReference>(Napi::Persistent(out));
    return [ref](Napi::Env) { return ref->Value(); };
  }

  // Frees the weights, gradients, moments and activations now rather than at garbage collection:
  // V8 cannot see native memory, so a worker loading model after model would otherwise grow.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_) throw Napi::Error::New(info.Env(), "engine is busy with an async call; await it first");
    engine_.reset();
    return info.Env().Undefined();
  }

  Napi::Value ParamTable(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    checkIdle(env);
    const auto& ps = engine_->params();
    Napi::Array out = Napi::Array::New(env, ps.size());
    for (size_t i = 0; i < ps.size(); i++) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", ps[i].name);
      Napi::Array shape = Napi::Array::New(env, ps[i].shape.size());
      for (size_t k = 0; k < ps[i].shape.size(); k++) shape.Set(k, double(ps[i].shape[k]));
      o.Set("shape", shape);
      o.Set("offset", double(ps[i].offset));
      o.Set("numel", double(ps[i].numel));
      o.Set("decay", ps[i].decay());
      out.Set(i, o);
    }
    return out;
  }

  // initWeights(seed, scheme: 'neox' | 'normal' | 'scaled_normal', initializerRange)
  Napi::Value InitWeights(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    const int64_t seed = intArg(info, 0, "seed");
    const std::string scheme = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    const cohort::InitScheme kind = scheme == "neox"     ? cohort::InitScheme::Neox
                                    : scheme == "normal" ? cohort::InitScheme::Normal
                                                         : cohort::InitScheme::ScaledNormal;
    if (scheme != "neox" && scheme != "normal" && scheme != "scaled_normal")
      throw Napi::TypeError::New(info.Env(), "init scheme must be 'neox', 'normal' or 'scaled_normal'");
    const double range = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0.02;
    guard(info.Env(), [&] {
      engine_->initWeights(uint64_t(seed), kind, float(range));
    });
    return info.Env().Undefined();
  }

  Napi::Value GetParams(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    auto a = Napi::Float32Array::New(info.Env(), n());
    engine_->getParams(a.Data());
    return a;
  }
  Napi::Value SetParams(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    engine_->setParams(arrayArg<float>(info, 0, napi_float32_array, n(), "params", "Float32Array"));
    return info.Env().Undefined();
  }
  Napi::Value GetGrads(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    auto a = Napi::Float32Array::New(info.Env(), n());
    engine_->getGrads(a.Data());
    return a;
  }
  Napi::Value GetOptState(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    auto m = Napi::Float32Array::New(info.Env(), n()), v = Napi::Float32Array::New(info.Env(), n());
    engine_->getOptState(m.Data(), v.Data());
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("m", m);
    o.Set("v", v);
    return o;
  }
  Napi::Value SetOptState(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    engine_->setOptState(arrayArg<float>(info, 0, napi_float32_array, n(), "m", "Float32Array"),
                         arrayArg<float>(info, 1, napi_float32_array, n(), "v", "Float32Array"));
    return info.Env().Undefined();
  }

  // Batch shape args (B, T) at positions i, i+1; returns B*T after checking it is positive.
  static int64_t batchShape(const Napi::CallbackInfo& info, size_t i, int64_t& B, int64_t& T) {
    B = intArg(info, i, "batch");
    T = intArg(info, i + 1, "seqLen");
    if (B < 1 || T < 1) throw Napi::RangeError::New(info.Env(), "batch and seqLen must be >= 1");
    if (B > (int64_t(1) << 31) || T > (int64_t(1) << 31))
      throw Napi::RangeError::New(info.Env(), "batch and seqLen must be < 2^31");
    return B * T;
  }

  // forward(ids, B, T) -> logits Float32Array [B*T*V]
  template <bool Async>
  Napi::Value Forward(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    int64_t B, T;
    const int64_t N = batchShape(info, 1, B, T);
    const int32_t* ids = arrayArg<int32_t>(info, 0, napi_int32_array, N, "ids", "Int32Array");
    auto logits = Napi::Float32Array::New(info.Env(), N * engine_->config().vocab);
    float* out = logits.Data();
    return dispatch<Async>(info, [=] { engine_->forward(ids, B, T, out); }, returning(logits));
  }

  // forwardBackward(ids, targets, B, T, gradScale) -> summed loss
  template <bool Async>
  Napi::Value ForwardBackward(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    int64_t B, T;
    const int64_t N = batchShape(info, 2, B, T);
    const int32_t* ids = arrayArg<int32_t>(info, 0, napi_int32_array, N, "ids", "Int32Array");
    const int32_t* tg = arrayArg<int32_t>(info, 1, napi_int32_array, N, "targets", "Int32Array");
    if (info.Length() < 5 || !info[4].IsNumber()) throw Napi::TypeError::New(info.Env(), "gradScale must be a number");
    const float scale = info[4].As<Napi::Number>().FloatValue();
    auto loss = std::make_shared<double>(0);
    return dispatch<Async>(
        info, [=] { *loss = engine_->forwardBackward(ids, tg, B, T, scale); },
        [loss](Napi::Env env) { return Napi::Number::New(env, *loss); });
  }

  Napi::Value ZeroGrads(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    engine_->zeroGrads();
    return info.Env().Undefined();
  }

  // step({lr, beta1, beta2, eps, weightDecay, maxGradNorm}, t) -> pre-clip grad norm
  template <bool Async>
  Napi::Value Step(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    if (info.Length() < 2 || !info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "step(optimizer, t)");
    const Napi::Object o = info[0].As<Napi::Object>();
    const cohort::AdamW opt{numField(o, "lr"),  numField(o, "beta1"),       numField(o, "beta2"),
                            numField(o, "eps"), numField(o, "weightDecay"), numField(o, "maxGradNorm")};
    const int64_t t = intArg(info, 1, "t");
    if (t < 1) throw Napi::RangeError::New(info.Env(), "optimizer step t must be >= 1");
    auto norm = std::make_shared<double>(0);
    return dispatch<Async>(
        info, [=] { *norm = engine_->step(opt, t); },
        [norm](Napi::Env env) { return Napi::Number::New(env, *norm); });
  }

  // {logprobs: Float32Array [n], greedy: Uint8Array [n]}, the output of both scoring calls.
  struct Scores {
    Napi::Object obj;
    float* logprobs;
    uint8_t* greedy;
  };
  static Scores newScores(Napi::Env env, int64_t n) {
    auto lp = Napi::Float32Array::New(env, n);
    auto gr = Napi::Uint8Array::New(env, n);
    Napi::Object o = Napi::Object::New(env);
    o.Set("logprobs", lp);
    o.Set("greedy", gr);
    return {o, lp.Data(), gr.Data()};
  }

  // scoreTargets(ids, targets, B, T) -> {logprobs: Float32Array, greedy: Uint8Array}
  template <bool Async>
  Napi::Value ScoreTargets(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    int64_t B, T;
    const int64_t N = batchShape(info, 2, B, T);
    const int32_t* ids = arrayArg<int32_t>(info, 0, napi_int32_array, N, "ids", "Int32Array");
    const int32_t* tg = arrayArg<int32_t>(info, 1, napi_int32_array, N, "targets", "Int32Array");
    const Scores s = newScores(info.Env(), N);
    float* lp = s.logprobs;
    uint8_t* gr = s.greedy;
    return dispatch<Async>(info, [=] { engine_->scoreTargets(ids, tg, B, T, lp, gr); }, returning(s.obj));
  }

  // scoreShared(ctx, owner, cont, contLen, G, T0, R, Tc) -> {logprobs, greedy} [R*Tc]
  template <bool Async>
  Napi::Value ScoreShared(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    int64_t G, T0, R, Tc;
    const int64_t nCtx = batchShape(info, 4, G, T0), nCont = batchShape(info, 6, R, Tc);
    const int32_t* ctx = arrayArg<int32_t>(info, 0, napi_int32_array, nCtx, "ctx", "Int32Array");
    const int32_t* owner = arrayArg<int32_t>(info, 1, napi_int32_array, R, "owner", "Int32Array");
    const int32_t* cont = arrayArg<int32_t>(info, 2, napi_int32_array, nCont, "cont", "Int32Array");
    const int32_t* len = arrayArg<int32_t>(info, 3, napi_int32_array, R, "contLen", "Int32Array");
    const Scores s = newScores(info.Env(), nCont);
    float* lp = s.logprobs;
    uint8_t* gr = s.greedy;
    return dispatch<Async>(
        info, [=] { engine_->scoreShared(ctx, G, T0, owner, cont, len, R, Tc, lp, gr); }, returning(s.obj));
  }

  // generate(prompt, B, T0, maxNew) -> Int32Array [B*maxNew]
  template <bool Async>
  Napi::Value Generate(const Napi::CallbackInfo& info) {
    checkIdle(info.Env());
    int64_t B, T0;
    const int64_t N = batchShape(info, 1, B, T0);
    const int32_t* prompt = arrayArg<int32_t>(info, 0, napi_int32_array, N, "prompt", "Int32Array");
    const int64_t maxNew = intArg(info, 3, "maxNewTokens");
    if (maxNew < 1) throw Napi::RangeError::New(info.Env(), "maxNewTokens must be >= 1");
    auto out = Napi::Int32Array::New(info.Env(), B * maxNew);
    int32_t* dst = out.Data();
    return dispatch<Async>(info, [=] { engine_->generate(prompt, B, T0, maxNew, dst); }, returning(out));
  }

  std::unique_ptr<Engine> engine_;
  bool busy_ = false;  // an async call is running on a worker thread
};

// backend is 'cuda' when the CUDA backend is compiled in and a device is usable, else 'cpu' (with
// cudaUnavailableReason saying why). Never throws for a missing GPU, driver or CUDA library.
Napi::Value BackendInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const cohort::SysInfo s = cohort::sysInfo();
  Napi::Object o = Napi::Object::New(env);
  cohort::CudaDeviceInfo dev;
#if COHORT_WITH_CUDA
  dev = cohort::cudaQueryDevice();
#else
  dev.reason = "this addon was built without the CUDA backend (no CUDA toolkit at build time, or COHORT_CUDA=OFF)";
#endif
  o.Set("backend", dev.usable ? "cuda" : "cpu");
  o.Set("threads", omp_get_max_threads());
  o.Set("blas", s.blas);
  Napi::Array simd = Napi::Array::New(env, s.simd.size());
  for (size_t i = 0; i < s.simd.size(); i++) simd.Set(i, s.simd[i]);
  o.Set("simd", simd);
  o.Set("cudaBuilt", bool(COHORT_WITH_CUDA));
  const std::vector<std::string> archs = cohort::cudaCompiledArchs();
  Napi::Array a = Napi::Array::New(env, archs.size());
  for (size_t i = 0; i < archs.size(); i++) a.Set(i, archs[i]);
  o.Set("cudaArchs", a);
  if (dev.count > 0 && !dev.name.empty()) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", dev.name);
    d.Set("computeCapability", std::to_string(dev.major) + "." + std::to_string(dev.minor));
    d.Set("totalMemoryBytes", double(dev.totalBytes));
    d.Set("freeMemoryBytes", double(dev.freeBytes));
    d.Set("count", dev.count);
    o.Set("cudaDevice", d);
  } else {
    o.Set("cudaDevice", env.Null());
  }
  o.Set("cudaUnavailableReason", dev.usable ? env.Null() : Napi::String::New(env, dev.reason));
  o.Set("defaultPrecision", dev.usable ? "bf16" : "fp32");  // what GPTNeoX uses on `backend` when not told
  return o;
}

// cudaMemoryEstimate(config, batch, seqLen, precision) -> bytes the CUDA engine needs to train on
// [batch, seqLen] (weights + grads + Adam moments + activations); batch*seqLen = 0: the model alone.
Napi::Value CudaMemoryEstimate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject())
    throw Napi::TypeError::New(env, "cudaMemoryEstimate(config, batch, seqLen, precision)");
  const cohort::Config cfg = parseConfig(info[0].As<Napi::Object>());
  const int64_t B = intArg(info, 1, "batch"), T = intArg(info, 2, "seqLen");
  if (B < 0 || T < 0) throw Napi::RangeError::New(env, "batch and seqLen must be >= 0");
  const cohort::Precision p =
      info.Length() > 3 && !info[3].IsUndefined() ? parsePrecision(env, info[3]) : cohort::Precision::BF16;
  return Napi::Number::New(env, double(cohort::cudaMemoryEstimate(cfg, B, T, p)));
}

// sgemmGflops(m, n, k, iters) -> GFLOP/s
Napi::Value SgemmGflops(const Napi::CallbackInfo& info) {
  const int64_t m = intArg(info, 0, "m"), n = intArg(info, 1, "n"), k = intArg(info, 2, "k");
  const int64_t iters = intArg(info, 3, "iters");
  if (m < 1 || n < 1 || k < 1 || iters < 1) throw Napi::RangeError::New(info.Env(), "sgemmGflops: sizes must be >= 1");
  return Napi::Number::New(info.Env(), guard(info.Env(), [&] { return cohort::sgemmGflops(int(m), int(n), int(k), int(iters)); }));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("backendInfo", Napi::Function::New(env, BackendInfo));
  exports.Set("sgemmGflops", Napi::Function::New(env, SgemmGflops));
  exports.Set("cudaMemoryEstimate", Napi::Function::New(env, CudaMemoryEstimate));
  exports.Set("Engine", EngineWrap::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(cohort_model, Init)
