// mapWindows(path, windowBytes) -> ArrayBuffer[]: the file memory-mapped read-only, as consecutive
// windows (an ArrayBuffer holds at most 4 GiB in Node 20). Each window is unmapped when its
// ArrayBuffer is garbage-collected. Errors become JS exceptions naming the file and the reason.
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void unmap(napi_env env, void* data, void* hint) {
  (void)env;
  munmap(data, (size_t)hint);
}

static napi_value fail(napi_env env, const char* path, const char* what) {
  char msg[1024];
  snprintf(msg, sizeof msg, "%s: %s: %s", path, what, strerror(errno));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value map_windows(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[4096];
  size_t len = 0;
  double window_d = 0;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok ||
      napi_get_value_double(env, argv[1], &window_d) != napi_ok) {
    napi_throw_type_error(env, NULL, "mapWindows(path: string, windowBytes: number)");
    return NULL;
  }
  const long page = sysconf(_SC_PAGESIZE);
  const size_t window = (size_t)window_d;
  if (window == 0 || window % (size_t)page != 0) {
    napi_throw_range_error(env, NULL, "windowBytes must be a positive multiple of the page size");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(env, path, "cannot open");
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return fail(env, path, "cannot stat");
  }
  const size_t size = (size_t)st.st_size;
  napi_value out;
  napi_create_array(env, &out);
  uint32_t i = 0;
  for (size_t offset = 0; offset < size; offset += window, i++) {
    const size_t n = size - offset < window ? size - offset : window;
    void* p = mmap(NULL, n, PROT_READ, MAP_SHARED, fd, (off_t)offset);
    if (p == MAP_FAILED) {
      close(fd);
      return fail(env, path, "cannot mmap");
    }
    napi_value buf;
    if (napi_create_external_arraybuffer(env, p, n, unmap, (void*)n, &buf) != napi_ok) {
      munmap(p, n);
      close(fd);
      napi_throw_error(env, NULL, "cannot wrap the mapping in an ArrayBuffer");
      return NULL;
    }
    napi_set_element(env, out, i, buf);
  }
  close(fd);  // the mappings stay valid after the descriptor is closed
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "mapWindows", NAPI_AUTO_LENGTH, map_windows, NULL, &fn);
  napi_set_named_property(env, exports, "mapWindows", fn);
  return exports;
}
