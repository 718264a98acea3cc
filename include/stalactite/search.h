#ifndef ST_search_H
#define ST_search_H
#endif
