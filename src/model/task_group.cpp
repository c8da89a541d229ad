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

TaskGroup::TaskGroup(asio::any_io_executor executor) : executor_(std::move(executor)) {}

TaskGroup::~TaskGroup() {
  if (!tasks_.empty()) log::error("tasks: destroyed with " + std::to_string(tasks_.size()) + " task(s) still running");
}

void TaskGroup::spawn(asio::awaitable<void> work, std::string what) {
  auto task = tasks_.emplace(tasks_.end());
  task->what = std::move(what);
  asio::co_spawn(executor_, std::move(work),
                 asio::bind_cancellation_slot(task->signal.slot(), [this, task](const std::exception_ptr& failure) {
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
                   asio::post(executor_, [this, task] { finished(task); });
                 }));
}

void TaskGroup::finished(std::list<Task>::iterator task) {
  tasks_.erase(task);
  if (tasks_.empty()) {
    for (auto* waiter : idle_waiters_) waiter->cancel();
  }
}

void TaskGroup::cancel(asio::cancellation_type type) {
  for (auto& task : tasks_) task.signal.emit(type);
}

asio::awaitable<bool> TaskGroup::wait_idle(std::chrono::milliseconds bound) {
  if (tasks_.empty()) co_return true;
  asio::steady_timer wait(executor_, bound);
  auto me = idle_waiters_.insert(idle_waiters_.end(), &wait);
  co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  idle_waiters_.erase(me);
  co_return tasks_.empty();
}

std::vector<std::string> TaskGroup::running() const {
  std::vector<std::string> out;
  for (const auto& task : tasks_) out.push_back(task.what);
  return out;
}

}  // namespace omniroute
