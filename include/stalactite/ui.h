#ifndef ST_ui_H
#define ST_ui_H
#endif
