import { appError } from '../common/app-error.js';

/** A finalised record is locked: corrections go into an addendum. */
export class RecordLocked extends appError('record_locked', 409, {
  message: 'This record is finalised and locked; add an addendum instead.',
}) {}

/** Someone saved the draft since this form was opened. */
export class RecordChangedMeanwhile extends appError('record_changed', 409, {
  message: 'Someone else saved this record since you opened it; reload to see their changes.',
}) {}

/** The file's content is not one of the types a record accepts (decided by its bytes). */
export class UnsupportedFileType extends appError('unsupported_file_type', 415) {
  constructor(detected?: string) {
    super(
      `Only JPEG, PNG, WebP or HEIC photos and PDF documents can be attached${
        detected ? ` (this file is ${detected})` : ''
      }.`,
    );
  }
}

export class FileTooLarge extends appError('file_too_large', 413) {
  constructor(readonly maxBytes: number) {
    const mb = Math.round(maxBytes / 1024 / 1024);
    super(`The file is larger than the limit of ${mb} MB.`, { mb });
  }
}

export class ImageTooLarge extends appError('image_too_many_pixels', 422) {
  constructor(readonly maxPixels: number) {
    const mp = Math.round(maxPixels / 1e6);
    super(`The image has more than ${mp} megapixels.`, { mp });
  }
}

export class UnreadableImage extends appError('unreadable_image', 422, {
  message: 'The image could not be read; it may be damaged.',
}) {}

export class BadUpload extends appError('bad_upload', 400) {
  constructor(reason: string) {
    super(reason);
  }
}

/** A file link whose signature does not match or whose lifetime is over. */
export class FileLinkExpired extends appError('link_expired', 410, {
  message: 'This file link has expired; open the file again from the record.',
}) {}
