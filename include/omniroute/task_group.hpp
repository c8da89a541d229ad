#pragma once
// TaskGroup: every background coroutine of one event loop, owned. Each is
// spawned with its own cancellation slot; stopping emits a cancellation to
// all of them and waits (bounded) until the last has ended, so the objects
// they use can then be destroyed normally, with nothing left suspended.
//
//   tasks.spawn(sweep(), "routing: sweep");   // instead of co_spawn(…, detached)
//   tasks.cancel();                           // terminal: every await in them ends
//   co_await tasks.wait_idle(bound);          // true once none is left
//
// A task that ends by an exception is logged with its name (cancellation is not an error).
// A task may own its group's owner (a client's coroutine holding the client): the group's
// bookkeeping lives in shared state, so the group may be destroyed as such a task ends.
// Single-threaded: use from the group's own loop only.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace omniroute {

class TaskGroup {
 public:
  explicit TaskGroup(boost::asio::any_io_executor executor);
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  /// Runs `work` on the group's executor until it ends or is cancelled.
  void spawn(boost::asio::awaitable<void> work, std::string what);
  /// The same for a lambda returning the coroutine: the lambda (and so its captures) lives as long as
  /// the coroutine. (A lambda coroutine invoked in place would leave its captures dangling.)
  template <typename Function>
    requires std::is_invocable_r_v<boost::asio::awaitable<void>, Function&>
  void spawn(Function work, std::string what) {
    spawn(call_owned(std::move(work)), std::move(what));
  }
  /// Emits `type` to every running task; a task spawned later is not affected.
  void cancel(boost::asio::cancellation_type type = boost::asio::cancellation_type::terminal);
  /// Resumes once no task is running, or after `bound`: true when none is.
  boost::asio::awaitable<bool> wait_idle(std::chrono::milliseconds bound);

  std::size_t size() const { return state_->tasks.size(); }
  /// What the running tasks do (their names), for a shutdown that ran out of time.
  std::vector<std::string> running() const;
  const boost::asio::any_io_executor& executor() const { return state_->executor; }

 private:
  template <typename Function>
  static boost::asio::awaitable<void> call_owned(Function work) {
    co_await work();
  }

  struct Task {
    boost::asio::cancellation_signal signal;
    std::string what;
  };
  struct State {
    boost::asio::any_io_executor executor;
    std::list<Task> tasks;  // stable addresses: each task's completion finds its own entry
    std::list<boost::asio::steady_timer*> idle_waiters;
  };
  static void finished(const std::shared_ptr<State>& state, std::list<Task>::iterator task);

  std::shared_ptr<State> state_;
};

}  // namespace omniroute
