// libpng, for reading the PNG images `backprop predict` classifies. Only its simplified API
// (png_image_*) is used: it converts every colour type and bit depth on its own and reports
// errors in `png_image.message` instead of by longjmp, which Swift cannot take part in.
#include <png.h>
