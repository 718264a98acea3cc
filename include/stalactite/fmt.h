#ifndef ST_fmt_H
#define ST_fmt_H
#endif
