#include "omniroute/task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <exception>

#include "omniroute/log.hpp"

namespace omniroute {

namespace asio = boost::asio;

TaskGroup::TaskGroup(asio::any_io_executor executor) : state_(std::make_shared<State>(State{std::move(executor), {}, {}})) {}

TaskGroup::~TaskGroup() {
  // What is left is a task that holds the group's owner and is ending now (its coroutine returned and
  // released the owner; its completion, which keeps the shared state, has yet to run), or a group
  // whose owner did not wait for it (the worker waits, and says so when a task outlives its bound).
  for (auto& task : state_->tasks) task.signal.emit(asio::cancellation_type::terminal);
  if (!state_->tasks.empty()) log::debug("tasks: group released with " + std::to_string(state_->tasks.size()) + " task(s) ending");
}

void TaskGroup::spawn(asio::awaitable<void> work, std::string what) {
  auto task = state_->tasks.emplace(state_->tasks.end());
  task->what = std::move(what);
  asio::co_spawn(state_->executor, std::move(work),
                 asio::bind_cancellation_slot(task->signal.slot(), [state = state_, task](const std::exception_ptr& failure) {
                   if (failure) {
                     try {
                       std::rethrow_exception(failure);
                     } catch (const boost::system::system_error& e) {
                       // Cancelled while stopping: the way a task is meant to end then.
                       if (e.code() != asio::error::operation_aborted) {
                         log::error(task->what + ": stopped by an unexpected error: " + e.what());
                       }
                     } catch (const std::exception& e) {
                       log::error(task->what + ": stopped by an unexpected error: " + e.what());
                     } catch (...) {
                       log::error(task->what + ": stopped by an unexpected error");
                     }
                   }
                   // Not here: the signal's slot is still in use until this handler returns.
                   asio::post(state->executor, [state, task] { finished(state, task); });
                 }));
}

void TaskGroup::finished(const std::shared_ptr<State>& state, std::list<Task>::iterator task) {
  state->tasks.erase(task);
  if (state->tasks.empty()) {
    for (auto* waiter : state->idle_waiters) waiter->cancel();
  }
}

void TaskGroup::cancel(asio::cancellation_type type) {
  for (auto& task : state_->tasks) task.signal.emit(type);
}

asio::awaitable<bool> TaskGroup::wait_idle(std::chrono::milliseconds bound) {
  if (state_->tasks.empty()) co_return true;
  auto state = state_;
  asio::steady_timer wait(state->executor, bound);
  auto me = state->idle_waiters.insert(state->idle_waiters.end(), &wait);
  co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  state->idle_waiters.erase(me);
  co_return state->tasks.empty();
}

std::vector<std::string> TaskGroup::running() const {
  std::vector<std::string> out;
  for (const auto& task : state_->tasks) out.push_back(task.what);
  return out;
}

}  // namespace omniroute
