// Screen: stdout shared by listen's client threads, live for one, in blocks for several.
#include "cli/listen_screen.hpp"

#include "cli/common.hpp"

namespace rawhttp::cli {

void Screen::attach(View& v) {
    std::lock_guard<std::mutex> lock(m_);
    ++attached_;
    if (attached_ == 1) {
        v.live = true;
        live_ = &v;
        return;
    }
    if (live_) {
        live_->live = false;
        live_->continued = true;
        live_->cut_mid_line = mid_line_;
        std::string note = "  (more clients connected: the rest of client " + live_->remote +
                           "'s view is shown when it ends)";
        write_all_fd(1, std::string(mid_line_ ? "\n" : "") + render::dim(note, style_) + "\n\n");
        live_ = nullptr;
    }
}

void Screen::write(View& v, const std::string& s) {
    if (s.empty()) return;
    std::lock_guard<std::mutex> lock(m_);
    if (v.live) {
        write_all_fd(1, s);
        mid_line_ = s.back() != '\n';
    } else {
        v.buffer += s;
    }
}

void Screen::detach(View& v, bool separator) {
    std::lock_guard<std::mutex> lock(m_);
    std::string block;
    if (v.continued)
        block = render::bold("client " + v.remote + ", continued", style_) +
                render::dim("  (its view stopped above when other clients connected)", style_) + "\n" +
                (v.cut_mid_line ? render::dim("  ...", style_) : "");
    block += v.buffer;
    if (separator) block += "\n";
    write_all_fd(1, block);
    v.buffer.clear();
    v.live = false;
    if (live_ == &v) {
        live_ = nullptr;
        mid_line_ = false;
    }
    --attached_;
}

}  // namespace rawhttp::cli
