// A loopback HTTP receiver that stands in for CDash in the dashboard test (no CDash server can be
// installed from Debian packages). It listens on 127.0.0.1, keeps every request it gets as
//   <out>/<NNN>.head  the request line and the headers, as received
//   <out>/<NNN>.body  the body (Content-Length or chunked, decoded)
// and answers each one as CDash's submit.php does when it accepts a file:
//   <cdash version="5.0.0"><status>OK</status><message></message><md5>...</md5></cdash>
// with the MD5 that the request's query named (CTest compares it with the file's own).
//
//   http_receiver --out DIR --port-file FILE [--port N] [--max-requests N] [--timeout SECONDS]
//                 [--background --pid-file FILE]
//
// --port 0 (the default) lets the system pick a free port; it is written to --port-file once
// the socket listens. --background forks after that, so a cmake -P script can start it with
// execute_process and go on; the child writes its pid to --pid-file and exits after
// --max-requests requests (0: no limit) or --timeout seconds (default 300), whichever is first.
// POSIX sockets only; HTTP/1.1 with keep-alive, "Expect: 100-continue" and chunked bodies.
#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string out;
  std::string port_file;
  std::string pid_file;
  int port = 0;
  long max_requests = 0;
  long timeout_seconds = 300;
  bool background = false;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--background") {
      options.background = true;
    } else if (arg == "--out" && has_value) {
      options.out = argv[++i];
    } else if (arg == "--port-file" && has_value) {
      options.port_file = argv[++i];
    } else if (arg == "--pid-file" && has_value) {
      options.pid_file = argv[++i];
    } else if (arg == "--port" && has_value) {
      options.port = std::atoi(argv[++i]);
    } else if (arg == "--max-requests" && has_value) {
      options.max_requests = std::atol(argv[++i]);
    } else if (arg == "--timeout" && has_value) {
      options.timeout_seconds = std::atol(argv[++i]);
    } else {
      std::cerr << "http_receiver: unknown or incomplete argument '" << arg << "'\n";
      return std::nullopt;
    }
  }
  if (options.out.empty() || options.port_file.empty() ||
      (options.background && options.pid_file.empty())) {
    std::cerr << "usage: http_receiver --out DIR --port-file FILE [--port N] [--max-requests N] "
                 "[--timeout SECONDS] [--background --pid-file FILE]\n";
    return std::nullopt;
  }
  return options;
}

// Written to a temporary name and renamed, so that a reader never sees half a number.
bool write_whole_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) {
      return false;
    }
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

// One connection's bytes, read as they are needed, with a deadline.
class Connection {
 public:
  Connection(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

  // More bytes into the buffer; false on end of stream, error or deadline.
  bool fill() {
    // A client that keeps a connection open without using it is let go after a while, so that
    // the next connection is served.
    const auto until = std::min(deadline_, Clock::now() + std::chrono::seconds(10));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd watched{fd_, POLLIN, 0};
    if (poll(&watched, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char chunk[65536];
    const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) {
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  // Everything up to `delimiter` (removed from the buffer, delimiter included).
  std::optional<std::string> take_until(std::string_view delimiter) {
    std::size_t at = 0;
    while ((at = buffer_.find(delimiter)) == std::string::npos) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    std::string taken = buffer_.substr(0, at + delimiter.size());
    buffer_.erase(0, at + delimiter.size());
    return taken;
  }

  std::optional<std::string> take(std::size_t size) {
    while (buffer_.size() < size) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    std::string taken = buffer_.substr(0, size);
    buffer_.erase(0, size);
    return taken;
  }

  bool send_all(std::string_view text) const {
    while (!text.empty()) {
      const ssize_t sent = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
      if (sent <= 0) {
        return false;
      }
      text.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

 private:
  int fd_;
  Clock::time_point deadline_;
  std::string buffer_;
};

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

// The value of header `name` (lower case) in `head`, trimmed; "" when absent.
std::string header(const std::string& head, const std::string& name) {
  const std::string folded = lower(head);
  const std::size_t at = folded.find("\r\n" + name + ":");
  if (at == std::string::npos) {
    return "";
  }
  std::size_t begin = at + 3 + name.size();
  const std::size_t end = head.find("\r\n", begin);
  while (begin < end && (head[begin] == ' ' || head[begin] == '\t')) {
    ++begin;
  }
  return head.substr(begin, end - begin);
}

// The value of query parameter `name` in the request line; "" when absent.
std::string query_parameter(const std::string& head, const std::string& name) {
  const std::string request_line = head.substr(0, head.find("\r\n"));
  for (const char* separator : {"?", "&"}) {
    const std::size_t at = request_line.find(separator + name + "=");
    if (at != std::string::npos) {
      const std::size_t begin = at + 2 + name.size();
      const std::size_t end = request_line.find_first_of("& ", begin);
      return request_line.substr(begin, end - begin);
    }
  }
  return "";
}

std::optional<std::string> read_body(Connection& connection, const std::string& head) {
  if (lower(header(head, "transfer-encoding")).find("chunked") != std::string::npos) {
    std::string body;
    for (;;) {
      const auto size_line = connection.take_until("\r\n");
      if (!size_line) {
        return std::nullopt;
      }
      const std::size_t size = std::strtoul(size_line->c_str(), nullptr, 16);
      if (size == 0) {
        // Trailers, if any, end with an empty line.
        for (;;) {
          const auto trailer = connection.take_until("\r\n");
          if (!trailer || *trailer == "\r\n") {
            return body;
          }
        }
      }
      const auto chunk = connection.take(size + 2);
      if (!chunk) {
        return std::nullopt;
      }
      body += chunk->substr(0, size);
    }
  }
  const std::string length = header(head, "content-length");
  return connection.take(length.empty() ? 0 : std::strtoul(length.c_str(), nullptr, 10));
}

// Serves one connection until the client closes it; counts requests into `served`.
void serve(int fd, const Options& options, long& served, Clock::time_point deadline) {
  Connection connection(fd, deadline);
  while (options.max_requests == 0 || served < options.max_requests) {
    const auto head = connection.take_until("\r\n\r\n");
    if (!head) {
      return;
    }
    if (lower(header(*head, "expect")) == "100-continue" &&
        !connection.send_all("HTTP/1.1 100 Continue\r\n\r\n")) {
      return;
    }
    const auto body = read_body(connection, *head);
    if (!body) {
      return;
    }
    ++served;
    char number[32];
    std::snprintf(number, sizeof number, "%03ld", served);
    const std::string base = options.out + "/" + number;
    write_whole_file(base + ".body", *body);
    write_whole_file(base + ".head", *head);  // last: a .head means the request is complete
    const std::string reply =
        "<cdash version=\"5.0.0\">\n  <status>OK</status>\n"
        "  <message></message>\n  <md5>" +
        query_parameter(*head, "MD5") + "</md5>\n</cdash>\n";
    const bool close = lower(header(*head, "connection")) == "close";
    const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " +
                                 std::to_string(reply.size()) + "\r\n" +
                                 (close ? "Connection: close\r\n" : "") + "\r\n" + reply;
    if (!connection.send_all(response) || close) {
      return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = parse_options(argc, argv);
  if (!options) {
    return 2;
  }
  ::mkdir(options->out.c_str(), 0777);
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(options->port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener, 16) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::cerr << "http_receiver: cannot listen on 127.0.0.1:" << options->port << ": "
              << std::strerror(errno) << '\n';
    return 1;
  }
  if (!write_whole_file(options->port_file, std::to_string(ntohs(address.sin_port)) + "\n")) {
    std::cerr << "http_receiver: cannot write " << options->port_file << '\n';
    return 1;
  }
  if (options->background) {
    const pid_t child = fork();
    if (child < 0) {
      std::cerr << "http_receiver: fork: " << std::strerror(errno) << '\n';
      return 1;
    }
    if (child > 0) {
      return write_whole_file(options->pid_file, std::to_string(child) + "\n") ? 0 : 1;
    }
    // The caller waits for the end of its pipes: let go of them.
    setsid();
    const int null = open("/dev/null", O_RDWR);
    const int log =
        open((options->out + "/receiver.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    dup2(null, 0);
    dup2(log >= 0 ? log : null, 1);
    dup2(log >= 0 ? log : null, 2);
  }
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(options->timeout_seconds);
  long served = 0;
  while (options->max_requests == 0 || served < options->max_requests) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd watched{listener, POLLIN, 0};
    if (poll(&watched, 1, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    const int client = accept(listener, nullptr, nullptr);
    if (client < 0) {
      continue;
    }
    serve(client, *options, served, deadline);
    close(client);
  }
  std::cout << "http_receiver: " << served << " request(s)\n";
  close(listener);
  return 0;
}
