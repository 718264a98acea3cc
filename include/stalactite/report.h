#ifndef ST_report_H
#define ST_report_H
#endif
