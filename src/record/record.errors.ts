import { AppError } from '../common/app-error.js';

/** A finalised record is locked: corrections go into an addendum. */
export class RecordLocked extends AppError {
  readonly code = 'record_locked';
  readonly status = 409;
  constructor() {
    super('This record is finalised and locked; add an addendum instead.');
  }
}

/** Someone saved the draft since this form was opened. */
export class RecordChangedMeanwhile extends AppError {
  readonly code = 'record_changed';
  readonly status = 409;
  constructor() {
    super('Someone else saved this record since you opened it; reload to see their changes.');
  }
}

/** The file's content is not one of the types a record accepts (decided by its bytes). */
export class UnsupportedFileType extends AppError {
  readonly code = 'unsupported_file_type';
  readonly status = 415;
  constructor(detected?: string) {
    super(
      `Only JPEG, PNG, WebP or HEIC photos and PDF documents can be attached${
        detected ? ` (this file is ${detected})` : ''
      }.`,
    );
  }
}

export class FileTooLarge extends AppError {
  readonly code = 'file_too_large';
  readonly status = 413;
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the limit of ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    Object.assign(this.params, { mb: Math.round(maxBytes / 1024 / 1024) });
  }
}

export class ImageTooLarge extends AppError {
  readonly code = 'image_too_many_pixels';
  readonly status = 422;
  constructor(readonly maxPixels: number) {
    super(`The image has more than ${Math.round(maxPixels / 1e6)} megapixels.`);
    Object.assign(this.params, { mp: Math.round(maxPixels / 1e6) });
  }
}

export class UnreadableImage extends AppError {
  readonly code = 'unreadable_image';
  readonly status = 422;
  constructor() {
    super('The image could not be read; it may be damaged.');
  }
}

export class BadUpload extends AppError {
  readonly code = 'bad_upload';
  readonly status = 400;
  constructor(reason: string) {
    super(reason);
  }
}

/** A file link whose signature does not match or whose lifetime is over. */
export class FileLinkExpired extends AppError {
  readonly code = 'link_expired';
  readonly status = 410;
  constructor() {
    super('This file link has expired; open the file again from the record.');
  }
}
