/* The floor for reading a body: one GET, then read(2) into one 256 KiB
 * buffer until the server closes, and nothing else (no parsing, no output).
 * bench/run times rawhttp's `send -o /dev/null` against it.
 *
 *     floor_client PORT PATH      (127.0.0.1 only; exit 0 when the server closed)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor_client PORT PATH\n");
        return 2;
    }
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)atoi(argv[1]));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {30, 0}; /* every socket operation has a timeout */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        perror("floor_client: connect");
        return 7;
    }
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n", argv[2], argv[1]);
    if (n <= 0 || n >= (int)sizeof req || write(fd, req, (size_t)n) != n) {
        perror("floor_client: write");
        return 55;
    }
    static char buf[256 * 1024];
    unsigned long long total = 0;
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got == 0) break;
        if (got < 0) {
            perror("floor_client: read");
            return 56;
        }
        total += (unsigned long long)got;
    }
    close(fd);
    return total > 0 ? 0 : 52;
}
