package web

// WriteFenceCookie names the cookie that fences a browser off kept rows
// and sessions after its writes (see writeFenceCookie).
const WriteFenceCookie = writeFenceCookie
